package dev.runneragent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clarifai.grpc.api.ComputeInfo;
import dev.runneragent.execution.Inventory.Accelerator;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching what a model or nodepool needs against the node's inventory, and reading Kubernetes quantities. */
class PlacementTest {

    private static final long GI = 1L << 30;
    private static final Inventory TWO_A10G = new Inventory(
            8,
            32 * GI,
            List.of(new Accelerator(0, "NVIDIA-A10G", 24 * GI), new Accelerator(1, "NVIDIA-A10G", 24 * GI)),
            false);
    private static final Inventory CPU_ONLY = new Inventory(2, 24 * GI, List.of(), false);

    @Test
    void readsKubernetesQuantities() {
        assertEquals(new BigDecimal("8589934592"), Quantity.parse("8Gi"));
        assertEquals(0, new BigDecimal("0.5").compareTo(Quantity.parse("500m")));
        assertEquals(0, new BigDecimal("4.5").compareTo(Quantity.parse("4.5")));
        assertEquals(0, new BigDecimal("2000000").compareTo(Quantity.parse("2M")));
        assertEquals(0, new BigDecimal("1000").compareTo(Quantity.parse("1e3")));
        assertEquals(0, BigDecimal.valueOf(512L << 20).compareTo(Quantity.parse("512Mi")));
        assertEquals(BigDecimal.ZERO, Quantity.parse(""));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Quantity.parse("8 gigs"));
        assertTrue(bad.getMessage().contains("'8 gigs' is not a quantity"));
        assertEquals(0, new BigDecimal("0.000000001").compareTo(Quantity.parse("1n")));
        assertEquals(0, BigDecimal.valueOf(1L << 50).compareTo(Quantity.parse("1Pi")));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> Quantity.bytes("100Ei"));
        assertTrue(huge.getMessage().contains("more bytes than any machine has"), huge.getMessage());
        assertEquals("24Gi", Quantity.bytes(24 * GI));
        assertEquals("1.5Ki", Quantity.bytes(1536));
    }

    @Test
    void fitsOnTheAcceleratorsItAsksFor() {
        Placement.Result result =
                Placement.match(need(compute(2, "24Gi", "nvidia-a10g").setNumCpus(4)), TWO_A10G);
        Placement.Fit fit = assertInstanceOf(Placement.Fit.class, result);
        assertEquals(
                List.of("gpu0", "gpu1"),
                fit.accelerators().stream().map(Accelerator::label).toList());
    }

    @Test
    void withoutAcceleratorsItRunsOnTheCpu() {
        Placement.Fit fit = assertInstanceOf(
                Placement.Fit.class,
                Placement.match(need(ComputeInfo.newBuilder().setCpuMemory("8Gi")), CPU_ONLY));
        assertEquals(List.of(), fit.accelerators());
    }

    @Test
    void namesEachKindOfShortfall() {
        assertEquals(
                "needs 2 accelerator(s); this node has 0 (no accelerators)", shortfall(compute(2, "", ""), CPU_ONLY));
        assertEquals(
                "needs 2 accelerator(s) with 40Gi each; this node has 0 that fit (it has gpu0 NVIDIA-A10G 24Gi,"
                        + " gpu1 NVIDIA-A10G 24Gi)",
                shortfall(compute(2, "40Gi", ""), TWO_A10G));
        assertEquals(
                "needs 1 accelerator(s) of type NVIDIA-H100; this node has 0 that fit (it has gpu0 NVIDIA-A10G 24Gi,"
                        + " gpu1 NVIDIA-A10G 24Gi)",
                shortfall(compute(1, "", "NVIDIA-H100"), TWO_A10G));
        assertEquals(
                "needs 3 accelerator(s); this node has 2 that fit (it has gpu0 NVIDIA-A10G 24Gi, gpu1 NVIDIA-A10G 24Gi)",
                shortfall(compute(3, "", ""), TWO_A10G));
        assertEquals(
                "needs 16 CPU(s); this node has 8",
                shortfall(ComputeInfo.newBuilder().setNumCpus(16), TWO_A10G));
        assertEquals(
                "needs 64Gi CPU memory; this node has 32Gi",
                shortfall(ComputeInfo.newBuilder().setCpuMemory("64Gi"), TWO_A10G));
    }

    @Test
    void theLaterCpuLimitQuantityWinsOverNumCpus() {
        Requirements half =
                Requirements.of(ComputeInfo.newBuilder().setNumCpus(64).build(), "500m");
        assertEquals(0, new BigDecimal("0.5").compareTo(half.cpus()));
        assertInstanceOf(Placement.Fit.class, Placement.match(half, CPU_ONLY));
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> Requirements.of(
                        ComputeInfo.newBuilder().setCpuMemory("lots").build(), null));
        assertTrue(bad.getMessage().startsWith("computeInfo.cpuMemory:"), bad.getMessage());
    }

    @Test
    void aSimulatedInventoryDeclaresAcceleratorsAndSaysSo() {
        Inventory simulated = DeviceInventory.simulated("gpu:2:24Gi:NVIDIA-A10G,cpu:16:64Gi");
        assertEquals(16, simulated.cpus());
        assertEquals(64 * GI, simulated.cpuMemoryBytes());
        assertEquals(
                List.of(new Accelerator(0, "NVIDIA-A10G", 24 * GI), new Accelerator(1, "NVIDIA-A10G", 24 * GI)),
                simulated.accelerators());
        assertTrue(simulated.describe().endsWith("(simulated: computing on the CPU)"), simulated.describe());
        assertInstanceOf(Placement.Fit.class, Placement.match(need(compute(2, "16Gi", "NVIDIA-A10G")), simulated));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> DeviceInventory.simulated("tpu:4"));
        assertTrue(bad.getMessage().startsWith("runner.devices.simulate: cannot read 'tpu:4'"), bad.getMessage());
    }

    @Test
    void aGpuWhoseNameTheDriverDidNotGiveMeetsAnyType() {
        Inventory unnamed =
                new Inventory(8, 32 * GI, List.of(new Accelerator(0, DeviceInventory.UNKNOWN_TYPE, 24 * GI)), false);
        assertInstanceOf(Placement.Fit.class, Placement.match(need(compute(1, "16Gi", "NVIDIA-A10G")), unnamed));
    }

    @Test
    void readsGpuNamesFromTheDriversInformationFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path proc)
            throws java.io.IOException {
        for (String[] gpu :
                new String[][] {{"0000:41:00.0", "NVIDIA H100 80GB HBM3"}, {"0000:01:00.0", "NVIDIA A10G"}}) {
            java.nio.file.Path folder = java.nio.file.Files.createDirectories(proc.resolve(gpu[0]));
            java.nio.file.Files.writeString(
                    folder.resolve("information"), "Model:           " + gpu[1] + "\nIRQ:             42\n");
        }
        assertEquals(List.of("NVIDIA A10G", "NVIDIA H100 80GB HBM3"), DeviceInventory.gpuNames(proc));
        assertEquals(List.of(), DeviceInventory.gpuNames(proc.resolve("absent")));
    }

    private static ComputeInfo.Builder compute(int accelerators, String memory, String type) {
        ComputeInfo.Builder info =
                ComputeInfo.newBuilder().setNumAccelerators(accelerators).setAcceleratorMemory(memory);
        if (!type.isEmpty()) {
            info.addAcceleratorType(type);
        }
        return info;
    }

    private static Requirements need(ComputeInfo.Builder info) {
        return Requirements.of(info.build(), null);
    }

    private static String shortfall(ComputeInfo.Builder info, Inventory node) {
        return assertInstanceOf(Placement.Shortfall.class, Placement.match(need(info), node))
                .message();
    }
}
