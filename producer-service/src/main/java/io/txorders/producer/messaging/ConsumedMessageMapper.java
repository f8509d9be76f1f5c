package io.txorders.producer.messaging;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/**
 * The dedupe table of producer-service's consumer group, in the orders database.
 */
@Mapper
public interface ConsumedMessageMapper {

	@Insert("""
			INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome, consumed_at)
			VALUES (#{group}, #{eventType}, #{key}, #{messageId}, #{outcome}, CURRENT_TIMESTAMP(3))
			""")
	int insert(@Param("group") String group, @Param("eventType") String eventType, @Param("key") String key,
			@Param("messageId") String messageId, @Param("outcome") String outcome);

}
