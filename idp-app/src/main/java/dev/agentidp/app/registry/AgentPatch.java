package dev.agentidp.app.registry;

import java.util.List;
import java.util.Map;

import dev.agentidp.registry.InvalidInputException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code PATCH} of an identity document: a JSON merge patch (RFC 7396) of its writable
 * members. A patch naming a member only the server sets, or one the document does not
 * have, is refused before the agent is read; the patched document is then bound and
 * checked as a registration's ({@link AgentDocumentRequest}).
 */
final class AgentPatch {

	/** The members only the server sets. */
	static final List<String> SERVER_SET = List.of("id", "status", "version", "riskLevel", "parentId", "keys",
			"createdAt", "updatedAt");

	private AgentPatch() {
	}

	/**
	 * Checks the members a patch names.
	 * @param patch the patch
	 * @throws InvalidInputException when it is no object, or names a member it may not
	 */
	static void check(JsonNode patch) {
		if (patch == null || !patch.isObject()) {
			throw new InvalidInputException("body", "must be a JSON merge patch object");
		}
		for (String field : patch.propertyNames()) {
			if (SERVER_SET.contains(field)) {
				throw new InvalidInputException(field, "is set by the server and cannot be changed");
			}
			if (!AgentDocumentRequest.WRITABLE.contains(field)) {
				throw new InvalidInputException(field, "is not a writable field of the identity document");
			}
		}
	}

	/**
	 * Applies a JSON merge patch: RFC 7396 §2, {@code MergePatch(Target, Patch)}. A
	 * member whose value is {@code null} is removed; an object is merged member by
	 * member; any other value (an array included) replaces the target's.
	 * @param target the document patched (not modified)
	 * @param patch the patch
	 * @return the patched document
	 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396#section-2">RFC 7396 §2</a>
	 */
	static JsonNode apply(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch;
		}
		ObjectNode result = (target != null && target.isObject()) ? ((ObjectNode) target).deepCopy()
				: JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
			}
		}
		return result;
	}

}
