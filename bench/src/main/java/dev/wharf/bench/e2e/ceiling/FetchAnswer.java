package dev.wharf.bench.e2e.ceiling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Fetch response (versions 4 to 11, the non-flexible ones) written by hand, so that each
 * partition's records go out as a region of the log file with {@code transferTo} (sendfile)
 * rather than through a buffer. The layout, after the 4-byte size and the correlation id:
 * <pre>
 * throttle_time_ms int32, error_code int16 (v7+), session_id int32 (v7+),
 * [topic string, [partition int32, error_code int16, high_watermark int64,
 *   last_stable_offset int64, log_start_offset int64 (v5+), aborted_transactions array (null),
 *   preferred_read_replica int32 (v11+), records bytes (int32 size, then the batches)]]
 * </pre>
 */
final class FetchAnswer {
    private FetchAnswer() {
    }

    static void send(SocketChannel client, int correlationId, short version, List<Protocol.PartitionAnswer> answers) throws IOException {
        // one header buffer per partition's fixed part, each followed by its file region
        // size, correlation id, throttle time, [error code, session id], topic count
        int fixed = 4 + 4 + 4 + (version >= 7 ? 2 + 4 : 0) + 4;
        String lastTopic = null;
        int topics = 0;
        for (Protocol.PartitionAnswer a : answers) {
            if (!a.topic().equals(lastTopic)) {
                topics++;
                lastTopic = a.topic();
            }
        }
        ByteBuffer[] heads = new ByteBuffer[answers.size()];
        long total = fixed;
        lastTopic = null;
        for (int i = 0; i < answers.size(); i++) {
            Protocol.PartitionAnswer a = answers.get(i);
            boolean newTopic = !a.topic().equals(lastTopic);
            byte[] name = a.topic().getBytes(StandardCharsets.UTF_8);
            int partitionsInTopic = 0;
            if (newTopic) {
                for (int j = i; j < answers.size() && answers.get(j).topic().equals(a.topic()); j++) {
                    partitionsInTopic++;
                }
            }
            ByteBuffer head = ByteBuffer.allocate((newTopic ? 2 + name.length + 4 : 0) + 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0) + 4
                    + (version >= 11 ? 4 : 0) + 4);
            if (newTopic) {
                head.putShort((short) name.length).put(name).putInt(partitionsInTopic);
                lastTopic = a.topic();
            }
            head.putInt(a.partition()).putShort(a.error()).putLong(a.highWatermark()).putLong(a.highWatermark());
            if (version >= 5) {
                head.putLong(a.logStartOffset());
            }
            head.putInt(-1); // no aborted transactions (a null array)
            if (version >= 11) {
                head.putInt(-1); // no preferred read replica
            }
            head.putInt((int) a.records().size());
            heads[i] = head.flip();
            total += head.remaining() + a.records().size();
        }
        ByteBuffer start = ByteBuffer.allocate(fixed);
        start.putInt((int) (total - 4)).putInt(correlationId).putInt(0);
        if (version >= 7) {
            start.putShort((short) 0).putInt(0);
        }
        start.putInt(topics).flip();
        SendfileCeilingServer.writeFully(client, new ByteBuffer[] {start});
        for (int i = 0; i < answers.size(); i++) {
            SendfileCeilingServer.writeFully(client, new ByteBuffer[] {heads[i]});
            SegmentedLog.Slice records = answers.get(i).records();
            long sent = 0;
            while (sent < records.size()) {
                long n = records.file().transferTo(records.position() + sent, records.size() - sent, client);
                if (n <= 0 && records.position() + sent >= records.file().size()) {
                    throw new IllegalStateException("the log file ended " + (records.size() - sent) + " bytes short of the batches indexed");
                }
                sent += n;
            }
        }
    }
}
