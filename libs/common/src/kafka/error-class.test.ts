import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isRecordSizeRefusal } from './error-class';

describe('isRecordSizeRefusal', () => {
  const protocol = (type: string, code: number) => new KafkaJSProtocolError({ type, code, retriable: false, message: type } as never);

  it('finds the size refusal inside kafkajs’ non-retriable wrapper', () => {
    const tooLarge = protocol('MESSAGE_TOO_LARGE', 10);
    expect(isRecordSizeRefusal(Object.assign(new KafkaJSNonRetriableError(tooLarge), { cause: tooLarge }))).toBe(true);
    expect(isRecordSizeRefusal(protocol('RECORD_LIST_TOO_LARGE', 18))).toBe(true);
  });

  it('is false for a broker that is down or any other error', () => {
    expect(isRecordSizeRefusal(protocol('NOT_ENOUGH_REPLICAS', 19))).toBe(false);
    expect(isRecordSizeRefusal(new Error('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(isRecordSizeRefusal(undefined)).toBe(false);
  });
});
