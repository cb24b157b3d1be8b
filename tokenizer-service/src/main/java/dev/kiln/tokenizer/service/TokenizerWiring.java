package dev.kiln.tokenizer.service;

import dev.kiln.tokenizer.EncodingRegistry;
import dev.kiln.tokenizer.catalog.EncodingCatalog;
import dev.kiln.tokenizer.catalog.EncodingStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the tokenizer core from configuration: the built-ins plus the encodings directory. */
public class TokenizerWiring {

    private static final Logger LOG = Logger.getLogger(TokenizerWiring.class);

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
        LOG.infof("Serving %d encodings (%d from %s)", catalog.names().size(), loaded, config.encodingsDir());
        return catalog;
    }
}
