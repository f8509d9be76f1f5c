package io.txorders.producer.admin;

import io.txorders.messaging.admin.OnAdminCredentials;

import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the admin page ({@code /admin/}: static HTML and a small script, no build step)
 * from {@code classpath:/admin-page/}, outside the default static locations so that
 * without credentials it is not served at all.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnAdminCredentials.class)
class AdminPage implements WebMvcConfigurer {

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler("/admin/**").addResourceLocations("classpath:/admin-page/");
	}

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController("/admin", "/admin/");
		registry.addViewController("/admin/").setViewName("forward:/admin/index.html");
	}

}
