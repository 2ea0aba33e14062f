package io.mobula.data.exec;

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

    record Shuffle(ShuffleColumn column) implements BlockInput {
        @Override
        public ObjectRef<Object> submit(Mobula mobula, int index, byte[] plan) {
            return mobula.task(BlockTasks::fromShuffle, column, index, plan).remote();
        }
    }
}
