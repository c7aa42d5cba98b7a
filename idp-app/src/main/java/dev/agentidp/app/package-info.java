/**
 * The runnable identity provider: Spring Boot main, security filter chains, admin API
 * wiring, configuration, problem+json errors and the embedded-database default.
 */
package dev.agentidp.app;
