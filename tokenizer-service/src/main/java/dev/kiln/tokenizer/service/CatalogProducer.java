package dev.kiln.tokenizer.service;

import dev.kiln.tokenizer.EncodingRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Wires the plain-Java catalog and store into CDI: built-ins plus the encodings directory. */
public class CatalogProducer {

    private static final Logger LOG = Logger.getLogger(CatalogProducer.class.getName());

    @Produces
    @Singleton
    EncodingStore store(TokenizerServiceConfig config) {
        return new EncodingStore(Path.of(config.encodingsDir()));
    }

    @Produces
    @Singleton
    EncodingCatalog catalog(EncodingStore store, TokenizerServiceConfig config) {
        EncodingCatalog catalog = new EncodingCatalog(new EncodingRegistry());
        int loaded = store.loadInto(catalog);
        LOG.info(() ->
                "Serving " + catalog.names().size() + " encodings (" + loaded + " from " + config.encodingsDir() + ")");
        return catalog;
    }
}
