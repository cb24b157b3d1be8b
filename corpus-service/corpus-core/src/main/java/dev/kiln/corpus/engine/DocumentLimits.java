package dev.kiln.corpus.engine;

/**
 * The check every source of raw documents runs before the pipeline: content present and no larger
 * than {@code maxBytes} ({@code kiln.corpus.max-document-bytes}).
 */
public record DocumentLimits(int maxBytes) {

    /**
     * @param document names the document in the messages, e.g. "document 3 ('page-7')"
     * @throws EmptyDocumentException when the content is empty
     * @throws DocumentTooLargeException when it holds more than {@link #maxBytes} bytes
     */
    public void check(String document, int contentBytes) {
        if (contentBytes == 0) {
            throw new EmptyDocumentException(document + " has no content");
        }
        if (contentBytes > maxBytes) {
            throw new DocumentTooLargeException(document + " holds " + contentBytes + " bytes; the limit is " + maxBytes
                    + " (kiln.corpus.max-document-bytes)");
        }
    }
}
