package io.mobula.data.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The text files this module ships under {@code data/} on the class path (a play, server logs:
 * the example programs' default input), as paths on the file system: a dataset's tasks read files
 * by path. From {@code target/classes} the path is the file
 * itself; from a jar the file (or folder) is copied once into a temporary folder, removed when
 * the JVM exits.
 */
public final class ShippedText {
    public static final String SHAKESPEARE = "data/text/tinyshakespeare.txt";
    public static final String LOGS = "data/logs";

    private ShippedText() {
    }

    /** A shipped file or folder as a path. */
    public static Path path(String resource) {
        URL url = ShippedText.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("the data '" + resource + "' is not on the class path; is mobula-data's jar "
                + "(or its target/classes) on it?");
        }
        try {
            URI uri = url.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri);
            }
            return copyOut(uri, resource);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the shipped data '" + resource + "': " + e.getMessage(), e);
        }
    }

    private static Path copyOut(URI uri, String resource) throws IOException {
        FileSystem jar;
        try {
            jar = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            jar = FileSystems.getFileSystem(uri);
        }
        Path inside = jar.provider().getPath(uri);
        Path target = Files.createTempDirectory("mobula-data-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(target)));
        Path out = target.resolve(inside.getFileName().toString());
        if (Files.isDirectory(inside)) {
            Files.createDirectories(out);
            try (Stream<Path> files = Files.list(inside)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, out.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else {
            Files.copy(inside, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
