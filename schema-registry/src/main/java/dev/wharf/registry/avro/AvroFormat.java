package dev.wharf.registry.avro;

import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Avro schemas, parsed by Apache Avro's own parser. A schema's references are parsed first into
 * the same parser, so the named types they define can be used by name; the stored text leaves
 * them out again (Avro prints a type it was told is defined elsewhere by name only).
 */
public final class AvroFormat implements SchemaType.Format {
    @Override
    public SchemaType type() {
        return SchemaType.AVRO;
    }

    @Override
    public ParsedSchema parse(String schema, List<SchemaType.Resolved> dependencies, boolean isNew) {
        Schema.Parser parser = new Schema.Parser();
        parser.setValidateDefaults(isNew);
        List<Schema> referenced = new ArrayList<>();
        try {
            for (SchemaType.Resolved dependency : dependencies) {
                if (dependency.type() != SchemaType.AVRO) {
                    throw RegistryException.invalidSchema("Invalid schema: reference " + dependency.name() + " is of type "
                            + dependency.type() + ", not AVRO");
                }
                referenced.add(parser.parse(dependency.schema()));
            }
            return new AvroSchema(parser.parse(schema), referenced);
        } catch (org.apache.avro.AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
            throw RegistryException.invalidSchema("Invalid schema " + schema + " of type AVRO, details: " + e.getMessage());
        }
    }
}
