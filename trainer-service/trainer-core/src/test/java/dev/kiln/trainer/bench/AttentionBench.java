package dev.kiln.trainer.bench;

import dev.kiln.trainer.FlashAttention;
import dev.kiln.trainer.Layers;
import dev.kiln.trainer.Rng;
import dev.kiln.trainer.ThreadPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Old (stored probabilities) vs blockwise attention, forward + backward, interleaved, one thread, CPU time. */
public final class AttentionBench {
    public static void main(String[] args) {
        int B = Integer.parseInt(args[0]), T = Integer.parseInt(args[1]), NH = Integer.parseInt(args[2]);
        int hs = Integer.parseInt(args[3]), rounds = Integer.parseInt(args[4]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int NKV = NH, stride = 3 * NH * hs, C = NH * hs;
        Rng r = new Rng(1);
        float[] qkv = new float[B * T * stride], dout = new float[B * T * C];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) r.nextGaussian();
        for (int i = 0; i < dout.length; i++) dout[i] = (float) r.nextGaussian();
        float[] out = new float[B * T * C], att = new float[B * NH * T * T], lse = new float[B * NH * T];
        float[] d = new float[B * T * stride];
        ThreadPool one = ThreadPool.SERIAL;
        long oldNs = 0, newNs = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            Layers.attentionForward(one, out, 0, att, 0, qkv, 0, B, T, NH, NKV, hs);
            Layers.attentionBackward(one, d, 0, dout, 0, qkv, 0, att, 0, B, T, NH, NKV, hs);
            long t1 = mx.getCurrentThreadCpuTime();
            FlashAttention.forward(one, out, 0, lse, 0, qkv, 0, B, T, NH, NKV, hs);
            FlashAttention.backward(one, d, 0, dout, 0, qkv, 0, out, 0, lse, 0, B, T, NH, NKV, hs);
            long t2 = mx.getCurrentThreadCpuTime();
            if (round >= rounds / 3) {
                oldNs += t1 - t0;
                newNs += t2 - t1;
            }
        }
        int n = rounds - rounds / 3;
        System.out.printf(
                "B%d T%d NH%d hs%d: old %.1f ms, blockwise %.1f ms (CPU per fwd+bwd, %d rounds), ratio %.2f%n",
                B, T, NH, hs, oldNs / 1e6 / n, newNs / 1e6 / n, n, (double) newNs / oldNs);
    }
}
