package dev.kiln.corpus.pipeline.dedup;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Append-only file of fixed-size records of {@code longsPerRecord} longs: the persistent seen-set of a
 * deduplicator. Each accepted document is one record, written with one {@code write} call (it reaches
 * the OS at once, so a crash of the JVM loses nothing; {@link #sync()} forces it to disk). On open a torn
 * last record (crash mid-write) is cut off.
 */
final class AppendLog implements Closeable {
    private final FileChannel channel;
    private final int recordBytes;
    private final ByteBuffer buf;
    private final List<Staged> staged = new ArrayList<>();

    AppendLog(Path file, int longsPerRecord, Consumer<long[]> replay) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.recordBytes = longsPerRecord * 8;
        this.buf = ByteBuffer.allocate(recordBytes);
        long valid = 0;
        if (Files.exists(file)) {
            long size = Files.size(file);
            valid = size - size % recordBytes;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                    DataInputStream din = new DataInputStream(in)) {
                long[] rec = new long[longsPerRecord];
                for (long read = 0; read < valid; read += recordBytes) {
                    for (int i = 0; i < longsPerRecord; i++) rec[i] = din.readLong();
                    replay.accept(rec);
                }
            } catch (EOFException ignored) {
                // cannot happen: we read whole records only
            }
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.truncate(valid);
        channel.position(valid);
    }

    /**
     * Appends a record; one of a numbered document ({@code sequence >= 0}) waits in memory until
     * {@link #commitThrough} covers its number.
     */
    synchronized void append(long[] record, long sequence) throws IOException {
        if (sequence >= 0) {
            staged.add(new Staged(sequence, record.clone()));
            return;
        }
        write(record);
    }

    /** Writes the staged records of documents numbered up to {@code sequence}. */
    synchronized void commitThrough(long sequence) throws IOException {
        Iterator<Staged> it = staged.iterator();
        while (it.hasNext()) {
            Staged s = it.next();
            if (s.sequence <= sequence) {
                write(s.record);
                it.remove();
            }
        }
    }

    private record Staged(long sequence, long[] record) {}

    private void write(long[] record) throws IOException {
        buf.clear();
        for (long v : record) buf.putLong(v);
        buf.flip();
        while (buf.hasRemaining()) channel.write(buf);
    }

    synchronized void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            channel.force(false);
            channel.close();
        }
    }
}
