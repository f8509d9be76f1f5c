package io.txorders.producer.web;

import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * JSON values must have the type the API documents. Jackson by default turns
 * {@code "userId": 42} into {@code "42"} and {@code "quantity": "2"} into {@code 2}; an
 * order written from a value of the wrong type is a 2xx for garbage, so both are refused:
 * strings from numbers or booleans here, numbers and booleans from strings by
 * {@code spring.jackson.mapper.allow-coercion-of-scalars: false}.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonInput {

	@Bean
	JsonMapperBuilderCustomizer noScalarToStringCoercion() {
		return builder -> builder.withCoercionConfig(LogicalType.Textual,
				config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
	}

}
