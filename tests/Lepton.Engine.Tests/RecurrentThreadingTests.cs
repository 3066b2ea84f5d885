using Lepton.Engine.Threading;

namespace Lepton.Engine.Tests;

/// <summary>The recurrent ops cut the batch into row blocks per core: results must not depend on how many.</summary>
[Collection(ThreadCountCollection.Name)]
public class RecurrentThreadingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RecurrentSequence_ForwardAndGradients_DoNotDependOnThreadCount(bool lstm)
    {
        var one = Run(1, lstm);
        var two = Run(2, lstm);
        var three = Run(3, lstm);
        for (int k = 0; k < one.Length; k++)
        {
            Assert.Equal(one[k], two[k]);
            Assert.Equal(one[k], three[k]);
        }
    }

    // Output, then the gradients of the input projection, W_hh and b_hh, for 8 rows of 16 steps (enough work to split).
    private static float[][] Run(int threads, bool lstm)
    {
        int saved = CpuParallel.ThreadCount;
        CpuParallel.ThreadCount = threads;
        try
        {
            int steps = 16, n = 8, h = 32, gates = lstm ? 4 : 3;
            var g = new Generator(21);
            var xp = Tensor.Randn(new Shape(steps, n, gates * h), g).RequireGrad();
            var whh = Tensor.Randn(new Shape(gates * h, h), g, std: 0.2).RequireGrad();
            var bhh = Tensor.Randn(new Shape(gates * h), g).RequireGrad();
            var h0 = Tensor.Zeros(n, h);
            int[] lengths = [16, 3, 9, 16, 1, 12, 7, 16];
            var output = lstm
                ? Tensor.LstmSequence(xp, whh, bhh, h0, h0, lengths, reverse: true).Output
                : Tensor.GruSequence(xp, whh, bhh, h0, lengths).Output;
            var grads = output.Mul(Tensor.Randn(output.Shape, new Generator(22))).Sum().Backward();
            return [output.ToArray(), grads.Get(xp).ToArray(), grads.Get(whh).ToArray(), grads.Get(bhh).ToArray()];
        }
        finally
        {
            CpuParallel.ThreadCount = saved;
        }
    }
}
