package dev.wharf.junit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's wharf-junit example is {@code example.OrdersExampleTest}, word for word. */
class ReadmeExampleTest {
    // the example users copy is the one that compiles and runs here
    @Test
    void readmeShowsTheExampleTestAsItIs() throws Exception {
        String test = Files.readString(Path.of("src/test/java/dev/wharf/junit/example/OrdersExampleTest.java"));
        String withoutPackage = test.substring(test.indexOf("import "));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + withoutPackage + "```\n"),
                "README.md's example under \"Testing with wharf-junit\" differs from OrdersExampleTest.java");
    }
}
