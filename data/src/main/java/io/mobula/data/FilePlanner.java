package io.mobula.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;


/**
 * Cuts files into {@link FileBlock}s on the driver. Plain files are cut by size alone, without
 * reading them; a gzip file is read once here, counting lines, because a block of it must be
 * named by lines.
 */
public final class FilePlanner {
    private FilePlanner() {
    }

    /**
     * The blocks of every file under {@code paths}: a file itself, or a folder's regular files
     * (not its sub-folders) in name order, leaving out names starting with {@code .} or {@code _}
     * (hidden files, and the markers other tools write).
     *
     * @throws DataSourceException for a path that does not exist, or a folder with no files.
     */
    public static List<FileBlock> plan(List<Path> paths, boolean csv, ReadOptions options) {
        if (paths.isEmpty()) {
            throw new DataSourceException("no input paths; pass a file or a folder");
        }
        List<FileBlock> blocks = new ArrayList<>();
        for (Path path : paths) {
            for (Path file : files(path)) {
                blocks.addAll(blocksOf(file.toAbsolutePath().normalize(), csv, options));
            }
        }
        return blocks;
    }

    static List<Path> files(Path path) {
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) {
                throw new DataSourceException("the file " + path + " is not readable; check its permissions");
            }
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new DataSourceException("no file or folder at " + path.toAbsolutePath() + "; pass an existing file or folder");
        }
        try (Stream<Path> listing = Files.list(path)) {
            List<Path> files = listing
                .filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().startsWith("_"))
                .sorted()
                .toList();
            if (files.isEmpty()) {
                throw new DataSourceException("the folder " + path.toAbsolutePath() + " has no files to read (sub-folders and "
                    + "names starting with '.' or '_' are left out); pass a folder that holds the data files");
            }
            return files;
        } catch (IOException e) {
            throw new DataSourceException("cannot list the folder " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    static List<FileBlock> blocksOf(Path file, boolean csv, ReadOptions options) {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        List<FileBlock> blocks = new ArrayList<>();
        String name = file.toString();
        if (!gzip) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new DataSourceException("cannot read the size of " + file + ": " + e.getMessage(), e);
            }
            for (long from = 0; from < size; from += options.blockBytes()) {
                blocks.add(new FileBlock(name, false, from, Math.min(size, from + options.blockBytes()), csv,
                    options.csvDelimiter(), csv && options.csvHeader()));
            }
            return blocks;
        }
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            long line = 0;
            long blockStart = 0;
            long bytesInBlock = 0;
            boolean midLine = false;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    bytesInBlock++;
                    midLine = buffer[i] != '\n';
                    if (!midLine) {
                        line++;
                        if (bytesInBlock >= options.blockBytes()) {
                            blocks.add(new FileBlock(name, true, blockStart, line, csv, options.csvDelimiter(),
                                csv && options.csvHeader()));
                            blockStart = line;
                            bytesInBlock = 0;
                        }
                    }
                }
            }
            long end = midLine ? line + 1 : line;
            if (end > blockStart) {
                blocks.add(new FileBlock(name, true, blockStart, end, csv, options.csvDelimiter(), csv && options.csvHeader()));
            }
            return blocks;
        } catch (IOException e) {
            throw new DataSourceException("cannot read the gzip file " + file + ": " + e.getMessage()
                + "; is it gzip-compressed and complete? (a plain file must not end in .gz)", e);
        }
    }
}
