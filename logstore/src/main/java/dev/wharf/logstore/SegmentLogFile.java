package dev.wharf.logstore;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .log} file of one {@link LogSegment}: its record batches, byte for byte as appended
 * (see {@link SegmentFiles}), and how the file is kept open. While the segment is writable (active,
 * being recovered, or a replacement being written) through a write channel of its own; once sealed
 * through the {@link FileHandles} cache, which bounds the open files of sealed segments. A reader
 * takes a reference ({@link #acquire}) that keeps the file open until released, even if the cache
 * lets go of it meanwhile.
 *
 * <p>Threads: writing, cutting, sealing, renaming and letting go run where the segment's writer
 * runs (under the log's lock, or before anyone else sees the segment); {@link #acquire} and
 * {@link #force} run on any thread.
 */
final class SegmentLogFile {
    private final FileHandles handles;
    /** Changes when the segment is deleted (its files are renamed). */
    private volatile Path path;
    /** Open while the segment is writable; sealed segments read through {@link #handles}. */
    private volatile FileChannel writeChannel;
    /** The segment's reference on {@link #writeChannel}, handed to {@link #handles} when it is sealed. */
    private volatile SegmentChannel writeFile;

    /** Opens {@code path}, created if {@code writable} and missing; a sealed file opens on the first read. */
    SegmentLogFile(Path path, boolean writable, FileHandles handles) throws IOException {
        this.path = path;
        this.handles = handles;
        if (writable) {
            this.writeChannel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            this.writeFile = new SegmentChannel(writeChannel);
        }
    }

    Path path() {
        return path;
    }

    /** The bytes in the file, complete batches or not. */
    long length() throws IOException {
        FileChannel w = writeChannel;
        return w != null ? w.size() : Files.size(path);
    }

    /** The write channel, for the writer's own reads (recovery, truncation); null once sealed. */
    FileChannel writer() {
        return writeChannel;
    }

    /**
     * Writes the readable bytes of {@code batches} at {@code position}. On failure the file is cut
     * back to {@code position}: no partial batch may stay behind the segment's published size.
     */
    void write(ByteBuf batches, int position) throws IOException {
        int length = batches.readableBytes();
        // internalNioBuffer: no allocation; the buffer is ours for the duration (the log's lock)
        ByteBuffer nio = batches.nioBufferCount() == 1
                ? batches.internalNioBuffer(batches.readerIndex(), length)
                : batches.nioBuffer();
        long written = 0;
        try {
            while (nio.hasRemaining()) {
                written += writeChannel.write(nio, position + written);
            }
        } catch (IOException e) {
            writeChannel.truncate(position);
            throw e;
        }
    }

    /** Cuts the file to {@code size} bytes. */
    void truncate(int size) throws IOException {
        writeChannel.truncate(size);
    }

    /**
     * A reference on the file to read through (the write channel while writable, a cached read
     * channel after), which keeps it open until released even if the cache lets go meanwhile.
     */
    SegmentChannel acquire() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            SegmentChannel w = writeFile;
            SegmentChannel file = w != null ? w : handles.get(this);
            if (file.tryRetain()) {
                return file;
            }
            // closed between the lookup and the retain: the cache no longer holds it, look again
        }
        throw new IOException("cannot keep the file " + path + " open: closed on every attempt");
    }

    /** Fsyncs the file's bytes. */
    void force() throws IOException {
        SegmentChannel file = acquire();
        try {
            file.channel().force(false); // a read-only channel syncs the file too (fsync needs no write access)
        } finally {
            file.release();
        }
    }

    /** The segment was sealed: from now on the file is read through the cache. */
    void seal() {
        SegmentChannel w = writeFile;
        if (w != null) {
            handles.adopt(this, w); // the cache holds the segment's reference and bounds open files from now on
            writeFile = null;
            writeChannel = null;
        }
    }

    /** The file was renamed to {@code renamed} (the segment was deleted); later opens use that name. */
    void movedTo(Path renamed) {
        path = renamed;
    }

    /** Lets go of the write channel without handing it to the cache: the segment is being deleted. */
    void releaseWriteChannel() {
        SegmentChannel w = writeFile;
        if (w != null) {
            writeFile = null;
            writeChannel = null;
            w.release(); // the file closes when the last slice read from it is released
        }
    }

    /** Lets go of the cache's reference (the file closes when no slice uses it). */
    void release() {
        handles.release(this);
    }
}
