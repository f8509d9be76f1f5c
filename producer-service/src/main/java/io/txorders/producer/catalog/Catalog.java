package io.txorders.producer.catalog;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import com.google.common.base.Suppliers;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import com.google.common.util.concurrent.UncheckedExecutionException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which SKUs may be ordered and at what price, cached briefly: every order asks, and the
 * catalog changes rarely. A SKU added, retired or repriced takes effect within the
 * cache's time to live ({@code txorders.orders.catalog-cache-ttl}, 30 s by default). The
 * listing shows the prices of the same per-SKU cache the orders are priced from, so a
 * customer who sends the price the listing showed is not refused for a cache the listing
 * did not share.
 */
@Component
public class Catalog {

	/** The most {@code GET /catalog} lists; a shop with more needs paging first. */
	static final int LIST_LIMIT = 1000;

	private final LoadingCache<String, Optional<CatalogItem>> orderable;

	/** The SKUs the listing shows, in SKU order; their prices come from the cache. */
	private final Supplier<List<String>> listing;

	Catalog(CatalogMapper catalog, @Value("${txorders.orders.catalog-cache-ttl:30s}") Duration ttl) {
		this.orderable = CacheBuilder.newBuilder()
			.expireAfterWrite(ttl)
			.maximumSize(100_000)
			.build(new CacheLoader<>() {
				@Override
				public Optional<CatalogItem> load(String sku) {
					return catalog.findOrderable(Set.of(sku)).stream().findFirst();
				}

				@Override
				public Map<String, Optional<CatalogItem>> loadAll(Iterable<? extends String> skus) {
					Set<String> asked = new HashSet<>();
					skus.forEach(asked::add);
					Map<String, CatalogItem> found = new HashMap<>();
					catalog.findOrderable(asked).forEach(item -> found.put(item.sku(), item));
					Map<String, Optional<CatalogItem>> answers = new HashMap<>();
					asked.forEach(sku -> answers.put(sku, Optional.ofNullable(found.get(sku))));
					return answers;
				}
			});
		this.listing = Suppliers.memoizeWithExpiration(() -> List.copyOf(catalog.listOrderableSkus(LIST_LIMIT)), ttl);
	}

	/** The catalog entries of the {@code skus} that may be ordered now, by SKU. */
	public Map<String, CatalogItem> orderable(Collection<String> skus) {
		Map<String, Optional<CatalogItem>> known;
		try {
			known = this.orderable.getAll(skus);
		}
		catch (ExecutionException | UncheckedExecutionException ex) {
			throw new IllegalStateException("cannot read the catalog: " + ex.getCause().getMessage(), ex.getCause());
		}
		Map<String, CatalogItem> items = new HashMap<>();
		known.forEach((sku, item) -> item.ifPresent(found -> items.put(sku, found)));
		return items;
	}

	/**
	 * Every orderable SKU with its price, in SKU order, at most {@value #LIST_LIMIT}: the
	 * prices an order placed now is priced at.
	 */
	public List<CatalogItem> list() {
		List<String> skus = this.listing.get();
		Map<String, CatalogItem> items = orderable(skus);
		return skus.stream().map(items::get).filter(Objects::nonNull).toList();
	}

}
