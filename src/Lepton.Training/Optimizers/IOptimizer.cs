using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;

namespace Lepton.Training.Optimizers;

/// <summary>Updates parameters in place from the gradients of one backward pass.</summary>
public interface IOptimizer
{
    /// <summary>The parameters this optimizer updates, in the order their state is kept.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/>; schedules set it.</summary>
    double LearningRate { get; set; }

    /// <summary>Number of steps taken so far.</summary>
    long StepCount { get; }

    /// <summary>
    /// One update from <paramref name="grads"/>. Frozen parameters and parameters without a
    /// gradient are left untouched. Gradients are read, never modified.
    /// </summary>
    void Step(GradStore grads);

    /// <summary>A copy of the optimizer state (moment buffers, step counts) by name, for checkpoints.</summary>
    IReadOnlyDictionary<string, Tensor> StateDict();

    /// <summary>Restores state written by <see cref="StateDict"/> for the same parameter list.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);
}
