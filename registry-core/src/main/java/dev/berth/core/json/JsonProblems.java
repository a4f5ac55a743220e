package dev.berth.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Why a client's document is not acceptable JSON, in words the client can act on. Jackson's own messages
 * name its settings ({@code StreamReadConstraints.getMaxNestingDepth()},
 * {@code StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION}) and its idea of the source, which mean nothing to a
 * client; what they say is said here plainly instead.
 */
public final class JsonProblems {
    private JsonProblems() {
    }

    /** What is wrong with the document (the caller says which document). */
    public static String describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "it is nested too deeply, or holds a number or string too long";
        }
        if (e instanceof JsonEOFException) {
            return "it ends before the JSON value is complete";
        }
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1) {
            return "it is malformed";
        }
        return "it is malformed at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
