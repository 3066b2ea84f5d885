using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lepton.Factory.Recipes.Schema;

/// <summary>Collects every problem found while reading a recipe, each at the line and column of the node it is about.</summary>
internal sealed class RecipeErrors
{
    private readonly List<RecipeError> _errors = [];

    public IReadOnlyList<RecipeError> All => _errors;

    public void Add(YamlNode node, string message) => Add(node.Start, message);

    public void Add(Mark at, string message) => _errors.Add(new RecipeError((int)at.Line, (int)at.Column, message));
}
