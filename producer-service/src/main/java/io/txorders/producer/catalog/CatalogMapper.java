package io.txorders.producer.catalog;

import java.util.Collection;
import java.util.List;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * The SKUs that may be ordered: active and priced.
 */
@Mapper
public interface CatalogMapper {

	@Select("""
			<script>
			SELECT sku, name, price, currency FROM catalog_item WHERE active AND price IS NOT NULL AND sku IN
			<foreach item="sku" collection="skus" open="(" separator="," close=")">#{sku}</foreach>
			</script>
			""")
	List<CatalogItem> findOrderable(@Param("skus") Collection<String> skus);

	@Select("SELECT sku FROM catalog_item WHERE active AND price IS NOT NULL ORDER BY sku LIMIT #{limit}")
	List<String> listOrderableSkus(@Param("limit") int limit);

}
