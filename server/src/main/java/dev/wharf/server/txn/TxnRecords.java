package dev.wharf.server.txn;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.coordinator.RecordBytes;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of {@code __transaction_state}: the key is a transactional id, the value its
 * state as of the last transition (a null value, a tombstone, forgets the id). Every key and value
 * starts with a format version. Stateless; any thread.
 */
final class TxnRecords {
    static final String TOPIC = "__transaction_state";
    private static final short KEY_VERSION = 0;
    /** Version 1 adds the next producer id and the client's transaction version; version 0 is still read. */
    private static final short VALUE_VERSION = 1;
    private static final int MAX_PARTITIONS = 1 << 20;

    private TxnRecords() {}

    /**
     * A transactional id's state as stored. {@code nextProducerId} is the producer id a
     * transaction version 2 commit or abort moves to once its epoch is exhausted (-1 for none);
     * {@code clientVersion} the transaction version (0 or 2) its client last spoke.
     */
    record Stored(long producerId, long previousProducerId, long nextProducerId, short producerEpoch,
            short lastProducerEpoch, int timeoutMs, TxnState state, List<TopicPartition> partitions, long lastUpdateMs,
            long startMs, short clientVersion) {
        Stored withState(TxnState next, List<TopicPartition> nextPartitions, long nowMs, long start) {
            return new Stored(producerId, previousProducerId, nextProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
                    next, nextPartitions, nowMs, start, clientVersion);
        }

        Stored withProducer(long id, long previousId, long nextId, short epoch, short lastEpoch) {
            return new Stored(id, previousId, nextId, epoch, lastEpoch, timeoutMs, state, partitions, lastUpdateMs, startMs,
                    clientVersion);
        }

        Stored withTimeout(int newTimeoutMs) {
            return new Stored(producerId, previousProducerId, nextProducerId, producerEpoch, lastProducerEpoch, newTimeoutMs,
                    state, partitions, lastUpdateMs, startMs, clientVersion);
        }

        Stored withClientVersion(short version) {
            return new Stored(producerId, previousProducerId, nextProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
                    state, partitions, lastUpdateMs, startMs, version);
        }
    }

    static byte[] key(String transactionalId) {
        return RecordBytes.write(out -> {
            out.writeShort(KEY_VERSION);
            out.writeUTF(transactionalId);
        });
    }

    static String readKey(byte[] key) {
        return RecordBytes.read(key, TOPIC, in -> {
            short version = in.readShort();
            if (version != KEY_VERSION) {
                throw new IOException("unknown key version " + version);
            }
            return in.readUTF();
        });
    }

    static byte[] value(Stored s) {
        return RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeLong(s.producerId());
            out.writeLong(s.previousProducerId());
            out.writeShort(s.producerEpoch());
            out.writeShort(s.lastProducerEpoch());
            out.writeInt(s.timeoutMs());
            out.writeByte(s.state().id);
            out.writeInt(s.partitions().size());
            for (TopicPartition tp : s.partitions()) {
                out.writeUTF(tp.topic());
                out.writeInt(tp.partition());
            }
            out.writeLong(s.lastUpdateMs());
            out.writeLong(s.startMs());
            out.writeLong(s.nextProducerId());
            out.writeShort(s.clientVersion());
        });
    }

    static Stored readValue(byte[] value) {
        return RecordBytes.read(value, TOPIC, TxnRecords::readValue);
    }

    private static Stored readValue(DataInputStream in) throws IOException {
        short version = in.readShort();
        if (version != 0 && version != VALUE_VERSION) {
            throw new IOException("unknown value version " + version);
        }
        long producerId = in.readLong();
        long previousProducerId = in.readLong();
        short epoch = in.readShort();
        short lastEpoch = in.readShort();
        int timeoutMs = in.readInt();
        TxnState state = TxnState.byId(in.readByte());
        int n = in.readInt();
        if (n < 0 || n > MAX_PARTITIONS) {
            throw new IOException("bad partition count " + n);
        }
        List<TopicPartition> partitions = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            partitions.add(new TopicPartition(in.readUTF(), in.readInt()));
        }
        long lastUpdateMs = in.readLong();
        long startMs = in.readLong();
        long nextProducerId = version >= 1 ? in.readLong() : -1;
        short clientVersion = version >= 1 ? in.readShort() : 0;
        return new Stored(producerId, previousProducerId, nextProducerId, epoch, lastEpoch, timeoutMs, state, partitions,
                lastUpdateMs, startMs, clientVersion);
    }
}
