package io.mobula.ml.sgd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.mobula.ActorCreation;
import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.PlacementGroup;
import io.mobula.SchedulingStrategy;
import io.mobula.WaitResult;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.model.OneVsRestLogistic;

/**
 * Data-parallel minibatch SGD of a {@link OneVsRestLogistic} model with a parameter server.
 *
 * <pre>
 *   driver (this class)         ParameterServer actor            GradientWorker actor i (shard i)
 *   ───────────────────         ─────────────────────            ────────────────────────────────
 *   w = ps.weights()     ─────► copy of the weights ──ref──┐
 *   g = worker.gradient(w, e, s) ──────────────────────────┴───► minibatch gradient ──ref──┐
 *   ps.push(i, g)        ─────► apply (sync: mean of all i) ◄──────────────────────────────┘
 * </pre>
 *
 * The driver only wires refs together: weights go from the server to the workers and gradients
 * back as object refs, resolved where they are used. Sync mode submits a whole epoch at once and
 * the server's call order makes the barrier; async mode keeps one gradient in flight per worker
 * and, as each lands ({@code wait}), pushes it and sends that worker the newest weights.
 */
public final class SgdTrainer implements AutoCloseable {
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

    private final Mobula mobula;
    private final SgdConfig config;
    private final LabeledRows heldOut;
    private final ActorHandle<ParameterServer> server;
    private final List<ActorHandle<GradientWorker>> workers = new ArrayList<>();
    private final PlacementGroup group;
    private final int stepsPerEpoch;
    private final long startNanos = System.nanoTime();

    /**
     * Starts the server (from {@code initialWeights}, or zeros when null) and one worker per
     * contiguous shard of {@code train}.
     *
     * @param heldOut rows to report accuracy on after each epoch (validation or test).
     * @throws IllegalArgumentException when there are more workers than training rows, or the
     *                                  weights do not fit the data.
     */
    public SgdTrainer(Mobula mobula, LabeledRows train, LabeledRows heldOut, SgdConfig config, double[] initialWeights) {
        this(mobula, train, heldOut, config, initialWeights, null);
    }

    /**
     * As above, with every actor placed in bundle 0 of {@code group} (null: anywhere), so a
     * trial's actors are reserved together, all or none.
     */
    public SgdTrainer(Mobula mobula, LabeledRows train, LabeledRows heldOut, SgdConfig config, double[] initialWeights,
                      PlacementGroup group) {
        if (config.workers() > train.rows()) {
            throw new IllegalArgumentException("--workers " + config.workers() + " is more than the " + train.rows()
                + " training rows; use at most " + train.rows() + " workers");
        }
        int size = OneVsRestLogistic.size(train.featureCount(), train.classCount());
        double[] initial = initialWeights == null ? new double[size] : initialWeights;
        if (initial.length != size) {
            throw new IllegalArgumentException("initial weights of length " + initial.length + " do not fit this data (" + size + ")");
        }
        this.mobula = mobula;
        this.config = config;
        this.heldOut = heldOut;
        this.group = group;
        this.server = withCpus(mobula.actor(ParameterServer::new, initial, config.learningRate(), config.workers(), config.mode()))
            .remote();
        int maxRows = 0;
        for (int i = 0; i < config.workers(); i++) {
            int from = (int) ((long) train.rows() * i / config.workers());
            int to = (int) ((long) train.rows() * (i + 1) / config.workers());
            maxRows = Math.max(maxRows, to - from);
            workers.add(withCpus(mobula.actor(GradientWorker::new, train.slice(from, to), i, config.batchSize(), config.l2(),
                config.seed())).remote());
        }
        this.stepsPerEpoch = (maxRows + config.batchSize() - 1) / config.batchSize();
    }

    /** Steps each worker takes per epoch (the largest shard seen once). */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * Trains epochs {@code firstEpoch} to {@code firstEpoch + count - 1}, telling {@code onEpoch}
     * after each.
     */
    public List<EpochReport> train(int firstEpoch, int count, Consumer<EpochReport> onEpoch) {
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = firstEpoch; epoch < firstEpoch + count; epoch++) {
            if (config.mode() == UpdateMode.SYNC) {
                syncEpoch(epoch);
            } else {
                asyncEpoch(epoch);
            }
            double loss = server.task(ParameterServer::takeMeanLoss).remote().get(STEP_TIMEOUT);
            long updates = server.task(ParameterServer::version).remote().get(STEP_TIMEOUT);
            double accuracy = heldOut == null ? Double.NaN : OneVsRestLogistic.accuracy(weights(), heldOut);
            EpochReport report = new EpochReport(epoch, loss, accuracy, updates, (System.nanoTime() - startNanos) / 1e9);
            reports.add(report);
            onEpoch.accept(report);
        }
        return reports;
    }

    /** The server's weights now. */
    public double[] weights() {
        return server.task(ParameterServer::weights).remote().get(STEP_TIMEOUT);
    }

    /** Kills the server and the workers. */
    @Override
    public void close() {
        for (ActorHandle<GradientWorker> worker : workers) {
            mobula.kill(worker);
        }
        mobula.kill(server);
    }

    private void syncEpoch(int epoch) {
        ObjectRef<Long> last = null;
        for (int step = 0; step < stepsPerEpoch; step++) {
            ObjectRef<double[]> weights = server.task(ParameterServer::weights).remote();
            for (int i = 0; i < workers.size(); i++) {
                ObjectRef<Gradient> gradient = workers.get(i).task(GradientWorker::gradient, weights, epoch, step).remote();
                last = server.task(ParameterServer::push, i, gradient).remote();
            }
        }
        if (last != null) {
            last.get(STEP_TIMEOUT);  // the epoch's last update is in; an error in any step surfaces below
        }
    }

    private void asyncEpoch(int epoch) {
        Map<ObjectRef<Gradient>, Integer> inFlight = new LinkedHashMap<>();
        int[] steps = new int[workers.size()];
        List<ObjectRef<Long>> pushes = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            inFlight.put(pullAndCompute(i, epoch, 0), i);
        }
        while (!inFlight.isEmpty()) {
            WaitResult<Gradient> ready = mobula.wait(new ArrayList<>(inFlight.keySet()), 1, STEP_TIMEOUT);
            if (ready.ready().isEmpty()) {
                throw new IllegalStateException("no worker's gradient arrived within " + STEP_TIMEOUT + "; is the node overloaded?");
            }
            for (ObjectRef<Gradient> gradient : ready.ready()) {
                int worker = inFlight.remove(gradient);
                pushes.add(server.task(ParameterServer::push, worker, gradient).remote());
                if (++steps[worker] < stepsPerEpoch) {
                    inFlight.put(pullAndCompute(worker, epoch, steps[worker]), worker);
                }
            }
        }
        mobula.get(pushes);  // surfaces a failed push
    }

    private ObjectRef<Gradient> pullAndCompute(int worker, int epoch, int step) {
        ObjectRef<double[]> weights = server.task(ParameterServer::weights).remote();
        return workers.get(worker).task(GradientWorker::gradient, weights, epoch, step).remote();
    }

    private <A> ActorCreation<A> withCpus(ActorCreation<A> creation) {
        ActorCreation<A> placed = group == null ? creation : creation.scheduling(SchedulingStrategy.placementGroup(group, 0));
        return config.actorCpus() > 0 ? placed.resources("CPU", config.actorCpus()) : placed;
    }
}
