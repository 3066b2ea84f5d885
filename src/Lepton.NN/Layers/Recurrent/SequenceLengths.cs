using Lepton.Engine;

namespace Lepton.NN.Layers;

/// <summary>Reads sequence lengths from a lengths vector (N) or a right-padded mask (N,T) with 1 for real steps.</summary>
internal static class SequenceLengths
{
    public static int[] From(Tensor lengthsOrMask, int batch, int steps, string layer)
    {
        if (lengthsOrMask.Rank == 1 && lengthsOrMask.Shape[0] == batch)
        {
            var v = lengthsOrMask.ToDoubleArray();
            var lens = new int[batch];
            for (int i = 0; i < batch; i++)
            {
                if (v[i] != Math.Floor(v[i]) || v[i] < 0 || v[i] > steps)
                    throw new ArgumentException($"{layer}: length {v[i]} of sequence {i} must be a whole number in [0, {steps}] for input of {steps} steps.");
                lens[i] = (int)v[i];
            }
            return lens;
        }
        if (lengthsOrMask.Rank == 2 && lengthsOrMask.Shape[0] == batch && lengthsOrMask.Shape[1] == steps)
        {
            var m = lengthsOrMask.ToDoubleArray();
            var lens = new int[batch];
            for (int i = 0; i < batch; i++)
            {
                int len = 0;
                while (len < steps && m[i * steps + len] != 0) len++;
                for (int t = len; t < steps; t++)
                    if (m[i * steps + t] != 0)
                        throw new ArgumentException($"{layer}: mask row {i} has a real step at {t} after padding at {len}; pad sequences on the right (mask 1…1 0…0).");
                lens[i] = len;
            }
            return lens;
        }
        throw new ArgumentException($"{layer} expected lengths ({batch}) or a mask ({batch},{steps}) for input with N={batch}, T={steps}, got {lengthsOrMask.Shape}.");
    }
}
