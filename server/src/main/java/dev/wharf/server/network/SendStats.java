package dev.wharf.server.network;

import dev.wharf.wire.frame.EncodedResponse;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the broker has written to its clients: all response bytes, and how many of them went
 * straight from log files to sockets ({@code transferTo}) rather than through a heap buffer.
 */
public final class SendStats {
    private final LongAdder responseBytes = new LongAdder();
    private final LongAdder fileBytes = new LongAdder();

    /** A response queued for sending; its file parts went zero-copy unless TLS had to encrypt them. */
    void sent(EncodedResponse response, boolean zeroCopy) {
        responseBytes.add(response.frameSize());
        if (zeroCopy) {
            fileBytes.add(response.fileBytes());
        }
    }

    /** Bytes of every response frame queued for sending. */
    public long responseBytes() {
        return responseBytes.sum();
    }

    /** The part of {@link #responseBytes()} sent from log files without a copy. */
    public long fileBytes() {
        return fileBytes.sum();
    }
}
