package dev.agentidp.anomalies;

/**
 * The anomaly was cleared already (the admin API answers 409; nothing changes).
 */
public class AnomalyAlreadyClearedException extends RuntimeException {

	/**
	 * @param message the problem's detail
	 */
	public AnomalyAlreadyClearedException(String message) {
		super(message);
	}

}
