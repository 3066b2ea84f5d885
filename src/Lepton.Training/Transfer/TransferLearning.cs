using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;

namespace Lepton.Training.Transfer;

/// <summary>
/// A model made from a trained parent for new data: the parent's feature layers and weights with a fresh head for the new
/// classes, which parameters train and at what rate, and the callbacks that keep it so during Fit.
/// </summary>
public sealed class TransferLearning
{
    private readonly TransferOptions _options;

    private TransferLearning(TransferOptions options, LoadedModel parent)
    {
        _options = options;
        Parent = parent;
    }

    /// <summary>The parent as loaded from its folder (eval mode; its spec says its input and classes).</summary>
    public LoadedModel Parent { get; }

    /// <summary>After <see cref="Adapt"/>: the new model, its head, and the parameters outside the head.</summary>
    public Module? Model { get; private set; }

    public Module? Head { get; private set; }

    public IReadOnlyList<Parameter> Backbone { get; private set; } = [];

    /// <summary>Callbacks Fit must run (the backbone freezing); empty without <c>--freeze backbone</c>.</summary>
    public IReadOnlyList<ICallback> Callbacks { get; private set; } = [];

    /// <summary>How the run describes its model source.</summary>
    public string Description => $"transfer from {Label} (new head{(_options.Freeze == BackboneFreeze.Backbone ? ", backbone frozen" : "")})";

    /// <summary>What lineage records as the parent: the registry reference when there is one, else the folder.</summary>
    public string Label => _options.ParentLabel ?? _options.From;

    /// <summary>Loads the parent model folder named by <paramref name="options"/>.</summary>
    public static TransferLearning Load(TransferOptions options)
    {
        options.Validate();
        if (!Directory.Exists(options.From))
            throw new ArgumentException($"--from {options.From}: no such model folder; pass a folder with model.json and weights.safetensors, or a registered name (name@3).");
        return new TransferLearning(options, ModelFile.Load(options.From));
    }

    /// <summary>
    /// Throws unless the new data's inputs (C, H, W after the batch) are the parent's: the backbone's layers are sized for them.
    /// </summary>
    public void CheckInput(IReadOnlyList<int> dataShape)
    {
        var parentShape = Parent.Spec.Input.Shape.Skip(1).ToArray();
        if (parentShape.Length == dataShape.Count && parentShape.Zip(dataShape).All(p => p.First == -1 || p.First == p.Second)) return;
        throw new ArgumentException(
            $"--from {Label}: the parent model takes inputs ({string.Join(", ", parentShape)}) but the new data's are ({string.Join(", ", dataShape)}). " +
            $"Import the images at the parent's size and channels (lepton data import --resize {Describe(parentShape)}) or train from a preset with --model.");
    }

    private static string Describe(int[] chw) => chw.Length == 3 ? $"{chw[2]}x{chw[1]} --channels {chw[0]}" : string.Join("x", chw);

    /// <summary>Builds the new model with a fresh head for <paramref name="classes"/> classes and applies the freezing.</summary>
    public Module Adapt(int classes, Generator rng)
    {
        var (model, head) = ModelHead.Replace(Parent.Model, classes, rng);
        var headParams = new HashSet<Tensor>(head.Parameters().Select(p => p.Value), ReferenceEqualityComparer.Instance);
        Backbone = model.Parameters().Where(p => !headParams.Contains(p.Value)).ToList();
        model.Train();
        if (_options.Freeze == BackboneFreeze.Backbone)
        {
            var headModules = new HashSet<Module>(Descendants(head), ReferenceEqualityComparer.Instance);
            var norms = Descendants(model).OfType<BatchNorm>().Where(b => !headModules.Contains(b)).ToList();
            var freezing = new BackboneFreezing(Backbone, norms, _options.UnfreezeAfter);
            // Unfreeze-after 0 trains everything from the start: nothing to freeze.
            if (_options.UnfreezeAfter is not 0) freezing.Freeze();
            Callbacks = [freezing];
        }
        (Model, Head) = (model, head);
        return model;
    }

    /// <summary>Puts the backbone in its own parameter group at <c>--backbone-lr-scale</c> times the learning rate.</summary>
    public void ConfigureOptimizer(IOptimizer optimizer)
    {
        if (_options.BackboneLearningRateScale is not { } scale) return;
        if (optimizer is not Optimizer o)
            throw new ArgumentException($"--backbone-lr-scale needs one of the built-in optimizers (adam, adamw, sgd); got {optimizer.GetType().Name}.");
        o.SetLearningRateScale(Backbone, scale);
    }

    /// <summary>The model's metadata with <c>parent_model</c> (and how it was adapted) added, for lineage.</summary>
    public JsonObject WithLineage(JsonObject? metadata)
    {
        var m = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        m["parent_model"] = Label;
        m["transfer"] = new JsonObject
        {
            ["freeze"] = _options.Freeze == BackboneFreeze.Backbone ? "backbone" : "none",
            ["unfreeze_after"] = _options.UnfreezeAfter,
            ["backbone_lr_scale"] = _options.BackboneLearningRateScale,
        };
        return m;
    }

    private static IEnumerable<Module> Descendants(Module m)
    {
        yield return m;
        foreach (var c in m.Children())
        foreach (var d in Descendants(c))
            yield return d;
    }
}
