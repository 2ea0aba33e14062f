package io.mobula.gpu.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.gpu.GpuProbe;

class GpuParameterServerProgramTest {
    private static final GpuParameterServerProgram.Options SMALL = new GpuParameterServerProgram.Options(3, 15, 0.5f, false, 1500);

    @Test
    void withoutAGpuItSaysSoAndTrainsOnTheCpuReference() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GpuParameterServerProgram.Result result;
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(4).gpus(0))) {
            result = GpuParameterServerProgram.train(mobula, SMALL, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(result.usedGpu());
        assertTrue(out.contains("NOTE: no GPU on this node"), out);
        assertTrained(result, out);
    }

    @Test
    @Tag("gpu")
    void gpuWorkersTrainTheModel() {
        GpuProbe.Result probe = GpuProbe.probe();
        Assumptions.assumeTrue(probe.available(), () -> "no GPU: " + probe.unavailableReason());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GpuParameterServerProgram.Result result;
        try (Mobula mobula = Mobula.init()) {
            result = GpuParameterServerProgram.train(mobula, SMALL, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(result.usedGpu(), out);
        assertTrained(result, out);
    }

    @Test
    void optionsAreParsed() {
        GpuParameterServerProgram.Options o =
            GpuParameterServerProgram.Options.parse(new String[] {"--workers", "2", "--cpu", "--epochs", "3"});
        assertEquals(2, o.workers());
        assertEquals(3, o.epochs());
        assertTrue(o.forceCpu());
        assertEquals(GpuParameterServerProgram.Options.defaults().learningRate(), o.learningRate());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> GpuParameterServerProgram.Options.parse(new String[] {"--epochs"}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> GpuParameterServerProgram.Options.parse(new String[] {"--gpus", "2"}));
    }

    @Test
    void dataIsParsedAndShardedWithoutLosingRows() {
        ClassificationData parsed = ClassificationData.parse(List.of("a,b,label", "0,16,1", "8,4,0", "", "16,0,2"), "test");
        assertEquals(3, parsed.rows());
        assertEquals(2, parsed.features());
        assertEquals(3, parsed.classes());
        assertEquals(List.of(0f, 1f, 0.5f, 0.25f, 1f, 0f), boxed(parsed.x()));
        ClassificationData data = ClassificationData.synthetic(103, 5, 4, 1);
        int rows = 0;
        for (int shard = 0; shard < 4; shard++) {
            ClassificationData part = data.shard(shard, 4);
            assertTrue(part.rows() == 25 || part.rows() == 26, "sizes differ by at most one");
            assertEquals(part.rows() * 5, part.x().length);
            rows += part.rows();
        }
        assertEquals(103, rows);
    }

    private static List<Float> boxed(float[] values) {
        java.util.ArrayList<Float> list = new java.util.ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static void assertTrained(GpuParameterServerProgram.Result result, String out) {
        List<Double> losses = result.lossPerEpoch();
        assertEquals(SMALL.epochs(), losses.size(), out);
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) / 2, "the loss falls: " + out);
        assertTrue(result.testAccuracy() > 0.9, "test accuracy " + result.testAccuracy() + ": " + out);
    }
}
