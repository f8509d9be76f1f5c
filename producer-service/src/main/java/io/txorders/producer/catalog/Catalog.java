package io.txorders.producer.catalog;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which SKUs may be ordered, cached briefly: every order asks, and the catalog changes
 * rarely. A SKU added or retired takes effect within the cache's time to live.
 */
@Component
public class Catalog {

	private final LoadingCache<String, Boolean> orderable;

	Catalog(CatalogMapper catalog, @Value("${txorders.orders.catalog-cache-ttl:30s}") Duration ttl) {
		this.orderable = CacheBuilder.newBuilder()
			.expireAfterWrite(ttl)
			.maximumSize(100_000)
			.build(new CacheLoader<>() {
				@Override
				public Boolean load(String sku) {
					return !catalog.findActive(Set.of(sku)).isEmpty();
				}

				@Override
				public Map<String, Boolean> loadAll(Iterable<? extends String> skus) {
					Set<String> asked = new HashSet<>();
					skus.forEach(asked::add);
					Set<String> active = catalog.findActive(asked);
					Map<String, Boolean> found = new HashMap<>();
					asked.forEach(sku -> found.put(sku, active.contains(sku)));
					return found;
				}
			});
	}

	/** The subset of {@code skus} that may be ordered now. */
	public Set<String> orderable(Collection<String> skus) {
		Map<String, Boolean> known;
		try {
			known = this.orderable.getAll(skus);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("cannot read the catalog: " + ex.getCause().getMessage(), ex.getCause());
		}
		return known.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).collect(Collectors.toSet());
	}

}
