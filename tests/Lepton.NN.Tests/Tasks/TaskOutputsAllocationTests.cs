using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Tests.Shared;

namespace Lepton.NN.Tests.Tasks;

/// <summary>Decoding allocates only the answer it returns; probabilities into a caller's buffer allocate nothing.</summary>
[Collection(AllocationCollection.Name)]
public class TaskOutputsAllocationTests
{
    [Fact]
    public void Probabilities_IntoCallersBuffer_AllocatesNothing()
    {
        var decoder = TaskOutputs.For(TaskSpec.Multiclass, null, 10);
        var row = new float[10];
        var p = new double[10];
        Assert.Equal(0, AllocationProbe.FewestBytes(() => decoder.Probabilities(row, p)));
    }

    [Fact]
    public void Decode_MulticlassTopThreeOfTen_AllocatesOnlyTheAnswer()
    {
        var decoder = TaskOutputs.For(TaskSpec.Multiclass, null, 10);
        var row = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        // The answer object and its three-entry array: no per-class scratch (softmax and selection live on the stack).
        long bytes = AllocationProbe.FewestBytes(() => decoder.Decode(row, topK: 3));
        Assert.True(bytes <= 20 * 160, $"{bytes} bytes for 20 decodes");
    }
}
