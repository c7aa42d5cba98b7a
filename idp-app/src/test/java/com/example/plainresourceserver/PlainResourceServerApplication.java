package com.example.plainresourceserver;

import com.example.resourceserver.WhoAmIController;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The resource server of {@code com.example.resourceserver} without its {@code at+jwt}
 * type validator: Spring Boot's decoder exactly as
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} auto-configures it. The
 * tests show that it refuses our tokens, i.e. that the one bean of the recipe is needed.
 */
@SpringBootApplication
@Import(WhoAmIController.class)
public class PlainResourceServerApplication {

}
