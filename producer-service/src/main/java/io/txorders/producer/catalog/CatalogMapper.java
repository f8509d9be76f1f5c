package io.txorders.producer.catalog;

import java.util.Collection;
import java.util.Set;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * Which SKUs may be ordered.
 */
@Mapper
public interface CatalogMapper {

	@Select("""
			<script>
			SELECT sku FROM catalog_item WHERE active AND sku IN
			<foreach item="sku" collection="skus" open="(" separator="," close=")">#{sku}</foreach>
			</script>
			""")
	Set<String> findActive(@Param("skus") Collection<String> skus);

}
