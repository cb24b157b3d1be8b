package dev.kiln.corpus.service;

import dev.kiln.corpus.engine.CorpusEngine;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumes the documents topic (see {@link DocumentTopicReader}) from start to shutdown, once the
 * engine can be built: the tokenizer service may come up after this service.
 */
@ApplicationScoped
public class DocumentConsumer {

    private static final Logger LOG = Logger.getLogger(DocumentConsumer.class);

    @Inject
    CorpusWiring wiring;

    @Inject
    CorpusStatusMapper errors;

    @Inject
    CorpusServiceConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private volatile boolean running;
    private volatile String failure;
    private volatile DocumentTopicReader reader;
    private Thread starter;

    void onStart(@Observes StartupEvent event) {
        if (config.topics().consumeDocuments()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failure = null;
        starter = new Thread(this::startReader, "documents-consumer-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Stops consuming after shipping what is pending and committing its offsets. */
    public void stop() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = starter;
        }
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DocumentTopicReader r = reader;
        if (r != null) {
            r.stop();
            reader = null;
        }
    }

    /** Documents read from the topic since start. */
    public long consumed() {
        DocumentTopicReader r = reader;
        return r == null ? 0 : r.consumed();
    }

    /** Why consuming stopped on its own, or null. */
    public String failure() {
        DocumentTopicReader r = reader;
        return failure != null ? failure : r == null ? null : r.failure();
    }

    private void startReader() {
        CorpusEngine engine = awaitEngine();
        synchronized (this) {
            if (engine == null || !running) {
                return;
            }
            reader = new DocumentTopicReader(
                    engine,
                    wiring.documentLimits(),
                    bootstrapServers,
                    CorpusWiring.kafkaClientProperties(),
                    config.topics().documents(),
                    config.topics().consumerGroup());
        }
    }

    /** The engine, once it can be built; null when stopped first or when building it failed for good. */
    private CorpusEngine awaitEngine() {
        while (running) {
            try {
                return wiring.engine();
            } catch (RuntimeException e) {
                // The same judgement as the RPCs': a dependency that is down is waited for, anything else is fatal.
                Status status = errors.toStatus(e);
                if (status.getCode() != Status.Code.UNAVAILABLE) {
                    failure = status.getCode() + ": " + status.getDescription();
                    LOG.error(
                            "Cannot build the corpus engine; not consuming "
                                    + config.topics().documents(),
                            e);
                    return null;
                }
                LOG.infof("Waiting for the tokenizer service before consuming documents: %s", status.getDescription());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }
}
