package io.mobula.data;

import java.util.ArrayList;
import java.util.List;

import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Where a block's rows come from, and how its task is submitted: lines of a file, rows already in
 * the object store (a cached block), or a shuffle partition.
 */
public sealed interface BlockInput {
    /** Submits the block's task; its result is what the plan's terminal returns. */
    ObjectRef<Object> submit(Mobula mobula, int index, byte[] plan);

    record File(FileBlock block) implements BlockInput {
        @Override
        public ObjectRef<Object> submit(Mobula mobula, int index, byte[] plan) {
            return mobula.task(BlockTasks::fromFile, block, index, plan).remote();
        }
    }

    record Rows(ObjectRef<List<Object>> rows) implements BlockInput {
        @Override
        public ObjectRef<Object> submit(Mobula mobula, int index, byte[] plan) {
            return mobula.task(BlockTasks::fromRows, rows, index, plan).remote();
        }
    }

    /**
     * A shuffle partition: its pieces are merged pairwise in a tree of tasks (each taking two refs
     * and reading only this partition's piece of each), and the partition's task takes the root.
     * The tree is submitted with the partition, so the window bounds partitions in flight.
     */
    record Shuffle(ShuffleColumn column) implements BlockInput {
        @Override
        public ObjectRef<Object> submit(Mobula mobula, int index, byte[] plan) {
            List<ObjectRef<List<byte[]>>> level = column.mapOutputs();
            Integer partition = column.partition();
            while (level.size() > 1) {
                List<ObjectRef<List<byte[]>>> next = new ArrayList<>((level.size() + 1) / 2);
                for (int i = 0; i + 1 < level.size(); i += 2) {
                    next.add(mobula.task(BlockTasks::mergeShuffle, plan, partition, level.get(i), level.get(i + 1)).remote());
                }
                if (level.size() % 2 == 1) {
                    next.add(level.get(level.size() - 1));
                }
                level = next;
            }
            return mobula.task(BlockTasks::fromShuffle, level.get(0), index, plan).remote();
        }
    }
}
