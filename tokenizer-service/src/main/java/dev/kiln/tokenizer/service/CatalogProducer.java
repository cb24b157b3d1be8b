package dev.kiln.tokenizer.service;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.kiln.tokenizer.EncodingRegistry;

/** Wires the plain-Java catalog into CDI. */
public class CatalogProducer {

    @Produces
    @Singleton
    EncodingCatalog catalog() {
        return new EncodingCatalog(new EncodingRegistry());
    }
}
