package dev.wharf.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.wharf.registry.RegistryAccess;
import dev.wharf.registry.RegistryException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One request to the registry as its handler sees it: the path's named parts, the query, the
 * JSON body, and who sent it (each route checks what it does against the caller's rights).
 */
public record HttpCall(Map<String, String> pathParams, Map<String, List<String>> query, byte[] body, RegistryAccess.Caller caller) {
    /** The caller may do {@code operation} to {@code subject} (null: the registry's settings); 40301 otherwise. */
    public void require(RegistryAccess.Operation operation, String subject) {
        if (!caller.may(operation, subject)) {
            throw RegistryException.denied(caller.principal(), operation, subject);
        }
    }

    public boolean may(RegistryAccess.Operation operation, String subject) {
        return caller.may(operation, subject);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** A named part of the path ({@code {subject}}), decoded. */
    public String path(String name) {
        return pathParams.get(name);
    }

    /** A query parameter's first value, or null. */
    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A boolean query parameter, in any case ({@code normalize=False} from Python's client); false when absent. */
    public boolean flag(String name) {
        return "true".equalsIgnoreCase(param(name));
    }

    /** The body as JSON: a null node when empty; 400 when it is not JSON. */
    public JsonNode json() {
        if (body.length == 0) {
            return NullNode.instance;
        }
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryException(400, 400, "Unexpected character in the request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RegistryException(400, 400, "Unreadable request body: " + e.getMessage());
        }
    }
}
