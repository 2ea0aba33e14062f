package io.mobula.gpu.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.gpu.CpuKernels;
import io.mobula.gpu.GpuProbe;

/**
 * A parameter server with GPU workers: multiclass logistic regression trained by data-parallel
 * gradient descent.
 * <pre>
 *   driver ── put shards ──► upload tasks (GPU) ──► device-resident shards (stay on the GPU)
 *     │
 *     └─ each epoch: N gpuStep tasks, resources("GPU", 1)
 *          pull weights ◄── LogisticServer actor ◄── push gradient
 *          gradient kernels on the shard (X W, softmax cross-entropy, X^T dZ)
 * </pre>
 * Reads {@value ClassificationData#DIGITS} from the class path if the examples jar is there, else
 * trains on synthetic clusters. Prints the loss per epoch and the final accuracy. On a node
 * without a GPU it says so and runs the same steps on the CPU reference ({@code CpuKernels}).
 * <p>
 * Usage: {@code GpuParameterServerProgram [--workers N] [--epochs E] [--learning-rate R] [--cpu]}.
 */
public final class GpuParameterServerProgram {
    private static final String USAGE = "usage: GpuParameterServerProgram [--workers N] [--epochs E] [--learning-rate R] [--cpu]";

    private GpuParameterServerProgram() {
    }

    /** How to train. */
    public record Options(int workers, int epochs, float learningRate, boolean forceCpu, int syntheticRows) {
        public static Options defaults() {
            return new Options(4, 30, 0.5f, false, 8000);
        }

        static Options parse(String[] args) {
            Options defaults = defaults();
            int workers = defaults.workers;
            int epochs = defaults.epochs;
            float learningRate = defaults.learningRate;
            boolean forceCpu = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--workers" -> workers = Integer.parseInt(value(args, ++i));
                    case "--epochs" -> epochs = Integer.parseInt(value(args, ++i));
                    case "--learning-rate" -> learningRate = Float.parseFloat(value(args, ++i));
                    case "--cpu" -> forceCpu = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
                }
            }
            return new Options(workers, epochs, learningRate, forceCpu, defaults.syntheticRows);
        }

        private static String value(String[] args, int index) {
            if (index >= args.length) {
                throw new IllegalArgumentException(args[index - 1] + " needs a value; " + USAGE);
            }
            return args[index];
        }
    }

    /** What training reached. */
    public record Result(List<Double> lossPerEpoch, double trainAccuracy, double testAccuracy, boolean usedGpu) {
    }

    public static void main(String[] args) {
        try (Mobula mobula = Mobula.init()) {
            train(mobula, Options.parse(args), System.out);
        }
    }

    /** Trains on {@code mobula}'s node, printing progress to {@code out}. */
    public static Result train(Mobula mobula, Options options, PrintStream out) {
        ClassificationData all = ClassificationData.load(options.syntheticRows());
        int testRows = all.rows() / 5;
        ClassificationData train = all.slice(0, all.rows() - testRows);
        ClassificationData test = all.slice(all.rows() - testRows, all.rows());
        int d = all.features();
        int k = all.classes();

        double gpus = mobula.totalResources().getOrDefault("GPU", 0.0);
        boolean useGpu = gpus >= 1 && !options.forceCpu();
        out.printf("data: %s, %d train + %d test rows, %d features, %d classes%n", all.source(), train.rows(), test.rows(), d, k);
        if (useGpu) {
            out.printf("workers: %d GPU tasks on %s GPU(s)%n", options.workers(), format(gpus));
        } else {
            String why = options.forceCpu() ? "--cpu given" : "no GPU on this node (" + reason() + ")";
            out.printf("NOTE: %s; running the same steps on the CPU reference (CpuKernels) instead%n", why);
        }

        ActorHandle<LogisticServer> server = mobula.actor(LogisticServer::new, d, k, options.learningRate()).remote();
        List<Shard> shards = placeShards(mobula, train, options.workers(), useGpu);
        List<Double> losses = new ArrayList<>();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            double loss = epoch(mobula, server, shards, d, k, useGpu) / train.rows();
            losses.add(loss);
            out.printf("epoch %3d  loss %.4f%n", epoch, loss);
        }

        float[] weights = server.task(LogisticServer::pull).remote().get();
        double trainAccuracy = CpuKernels.accuracy(train.x(), train.labels(), weights, train.rows(), d, k);
        double testAccuracy = CpuKernels.accuracy(test.x(), test.labels(), weights, test.rows(), d, k);
        out.printf("accuracy: train %.2f%%, test %.2f%% (%s, %d updates)%n", 100 * trainAccuracy, 100 * testAccuracy,
            useGpu ? "GPU workers" : "CPU reference", server.task(LogisticServer::updates).remote().get());
        mobula.kill(server);
        return new Result(List.copyOf(losses), trainAccuracy, testAccuracy, useGpu);
    }

    /** Puts each worker's shard in the store and, for GPU workers, onto the GPU (where it stays). */
    private static List<Shard> placeShards(Mobula mobula, ClassificationData train, int workers, boolean useGpu) {
        List<Shard> shards = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            ClassificationData shard = train.shard(w, workers);
            ObjectRef<float[]> x = mobula.put(shard.x());
            ObjectRef<int[]> y = mobula.put(shard.labels());
            shards.add(useGpu
                ? new Shard(mobula.task(LogisticWorker::upload, x).resources("GPU", 1).remote(),
                            mobula.task(LogisticWorker::uploadLabels, y).resources("GPU", 1).remote(), shard.rows())
                : new Shard(x, y, shard.rows()));
        }
        return shards;
    }

    /** One step per worker, all at once; @return the sum over rows of the loss (each worker's mean times its rows). */
    private static double epoch(Mobula mobula, ActorHandle<LogisticServer> server, List<Shard> shards, int d, int k,
                                boolean useGpu) {
        List<ObjectRef<Float>> steps = new ArrayList<>();
        for (Shard shard : shards) {
            steps.add(useGpu
                ? mobula.task(LogisticWorker::gpuStep, server, shard.x(), shard.labels(), d, k).resources("GPU", 1).remote()
                : mobula.task(LogisticWorker::cpuStep, server, shard.x(), shard.labels(), d, k).remote());
        }
        double lossSum = 0;
        for (int w = 0; w < steps.size(); w++) {
            lossSum += steps.get(w).get() * shards.get(w).rows();
        }
        return lossSum;
    }

    private static String reason() {
        GpuProbe.Result probe = GpuProbe.probe();
        return probe.available() ? "the node was started with no GPUs" : probe.unavailableReason();
    }

    private static String format(double amount) {
        return amount == Math.rint(amount) ? Long.toString((long) amount) : Double.toString(amount);
    }

    /** A worker's data: refs to {@code DeviceArray}s (GPU) or host arrays (CPU). */
    private record Shard(ObjectRef<?> x, ObjectRef<?> labels, int rows) {
    }
}
