import type { KafkaConfig } from '../config/shared';

/**
 * Every topic the pipeline uses, in one place. Names come from config
 * (KAFKA_TOPIC_*) so several pipelines can share one cluster.
 *   raw       ingest-api → enricher      one message per accepted event (key = customer id)
 *   enriched  enricher  → aggregator, internal consumers (versioned JSON contract)
 *   dlq       anything a consumer cannot parse, with the reason in headers
 */
export interface Topics {
  raw: string;
  enriched: string;
  dlq: string;
}

export function topicsFromConfig(config: Pick<KafkaConfig, 'KAFKA_TOPIC_RAW' | 'KAFKA_TOPIC_ENRICHED' | 'KAFKA_TOPIC_DLQ'>): Topics {
  return { raw: config.KAFKA_TOPIC_RAW, enriched: config.KAFKA_TOPIC_ENRICHED, dlq: config.KAFKA_TOPIC_DLQ };
}
