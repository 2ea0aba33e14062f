package io.mobula.gpu;

/**
 * A kernel launch's grid and block, in two dimensions (the kernels use no third).
 *
 * @param gridX  blocks along x, 1 to 2^31 - 1
 * @param gridY  blocks along y, 1 to 65535
 * @param blockX threads per block along x
 * @param blockY threads per block along y
 */
public record LaunchShape(int gridX, int gridY, int blockX, int blockY) {
    /** Threads per block of the element-wise kernels. */
    public static final int LINEAR_BLOCK = 256;
    /** The output tile one matrix-multiply block computes, and its threads (mobula_kernels.cu). */
    public static final int MATMUL_TILE = 64;
    public static final int MATMUL_THREADS = 16;
    private static final int MAX_GRID_Y = 65535;

    public LaunchShape {
        if (gridX < 1 || gridY < 1 || gridY > MAX_GRID_Y || blockX < 1 || blockY < 1 || blockX * blockY > 1024) {
            throw new IllegalArgumentException("invalid launch shape: grid " + gridX + " x " + gridY + ", block "
                + blockX + " x " + blockY);
        }
    }

    /** One thread per element of {@code n} (at least one block, so {@code n = 0} launches and does nothing). */
    public static LaunchShape linear(long n) {
        long blocks = Math.max(1, (n + LINEAR_BLOCK - 1) / LINEAR_BLOCK);
        return new LaunchShape((int) Math.min(blocks, Integer.MAX_VALUE), 1, LINEAR_BLOCK, 1);
    }

    /** The tiles of an {@code rows x cols} output for the matrix-multiply kernels. */
    public static LaunchShape matmul(int rows, int cols) {
        int tilesX = Math.max(1, (cols + MATMUL_TILE - 1) / MATMUL_TILE);
        int tilesY = Math.max(1, (rows + MATMUL_TILE - 1) / MATMUL_TILE);
        if (tilesY > MAX_GRID_Y) {
            throw new IllegalArgumentException("a matrix of " + rows + " rows needs " + tilesY + " row tiles; at most "
                + MAX_GRID_Y + " (" + (long) MAX_GRID_Y * MATMUL_TILE + " rows) fit one launch");
        }
        return new LaunchShape(tilesX, tilesY, MATMUL_THREADS, MATMUL_THREADS);
    }
}
