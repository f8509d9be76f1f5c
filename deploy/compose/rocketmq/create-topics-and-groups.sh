#!/bin/bash
# One-shot job: creates what the apps need before they start, the way deploy/local does
# (RocketMqStack.createTopicsAndGroups): the transactional topics with message type
# TRANSACTION and 4 queues, the consumer groups with retryMaxTimes 16 (after the last
# retry a message moves to %DLQ%<group>) and their retry topics %RETRY%<group> (else the
# broker creates one at the group's first heartbeat and the consumer learns its route up to
# 30 s later, delaying the first retry). Idempotent: re-running updates in place. `-c` creates
# each on every broker group of the cluster (broker-a and broker-b): both must have
# registered first.
set -euo pipefail
NAMESRV="${NAMESRV_ADDR:-namesrv:9876}"
CLUSTER=DefaultCluster
TOPICS="order-events reply-events"
CONSUMER_GROUPS="inventory payment points order-replies"
MAX_RETRIES=16
BROKERS="broker-a broker-b"
cd "${ROCKETMQ_HOME}/bin"

for broker in ${BROKERS}; do
	for attempt in $(seq 1 60); do
		if sh mqadmin clusterList -n "${NAMESRV}" 2>/dev/null | grep -q "${broker}"; then
			continue 2
		fi
		echo "waiting for ${broker} to register with ${NAMESRV} (${attempt})"
		sleep 5
	done
	echo "${broker} did not register with ${NAMESRV}" >&2
	exit 1
done

for topic in ${TOPICS}; do
	sh mqadmin updateTopic -n "${NAMESRV}" -c "${CLUSTER}" -t "${topic}" -r 4 -w 4 -a +message.type=TRANSACTION
done
for group in ${CONSUMER_GROUPS}; do
	sh mqadmin updateSubGroup -n "${NAMESRV}" -c "${CLUSTER}" -g "${group}" -r "${MAX_RETRIES}"
	sh mqadmin updateTopic -n "${NAMESRV}" -c "${CLUSTER}" -t "%RETRY%${group}" -r 1 -w 1
done

for topic in ${TOPICS}; do
	for broker in ${BROKERS}; do
		for attempt in $(seq 1 30); do
			if sh mqadmin topicRoute -n "${NAMESRV}" -t "${topic}" 2>/dev/null | grep -q "${broker}"; then
				echo "topic ${topic} routed to ${broker}"
				continue 2
			fi
			sleep 2
		done
		echo "topic ${topic} has no route to ${broker}" >&2
		exit 1
	done
done
