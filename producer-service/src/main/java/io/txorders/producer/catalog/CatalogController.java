package io.txorders.producer.catalog;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /catalog}: what may be ordered and at what price. Public: a shop shows its
 * prices before anyone signs in.
 */
@RestController
class CatalogController {

	private final Catalog catalog;

	CatalogController(Catalog catalog) {
		this.catalog = catalog;
	}

	/** The listing: every orderable SKU, its name, price and currency. */
	record Listing(List<CatalogItem> items) {
	}

	@GetMapping(path = "/catalog", produces = MediaType.APPLICATION_JSON_VALUE)
	Listing list() {
		return new Listing(this.catalog.list());
	}

}
