package dev.agentidp.anomalies;

/**
 * No anomaly of that id belongs to the agent named (the admin API answers 404).
 */
public class AnomalyNotFoundException extends RuntimeException {

	/**
	 * @param message the problem's detail
	 */
	public AnomalyNotFoundException(String message) {
		super(message);
	}

}
