package dev.kiln.inference.registry;

/** The bundle directory does not exist. */
public class BundleNotFoundException extends RuntimeException {
    public BundleNotFoundException(String message) {
        super(message);
    }
}
