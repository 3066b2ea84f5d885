namespace Lepton.Factory.Recipes;

/// <summary>One problem in a recipe: where it is (1-based line and column) and what is wrong, with the allowed values.</summary>
public sealed record RecipeError(int Line, int Column, string Message)
{
    public string Format(string source) => $"{source}:{Line}:{Column}: {Message}";
}

/// <summary>Every problem found in a recipe, reported together so one edit can fix them all.</summary>
public sealed class RecipeException(string source, IReadOnlyList<RecipeError> errors)
    : Exception(Describe(source, errors))
{
    /// <summary>The recipe file or name the errors refer to.</summary>
    public string RecipeSource { get; } = source;

    public IReadOnlyList<RecipeError> Errors { get; } = errors;

    private static string Describe(string source, IReadOnlyList<RecipeError> errors) =>
        (errors.Count == 1 ? $"{source} has 1 problem:" : $"{source} has {errors.Count} problems:") +
        string.Concat(errors.Select(e => Environment.NewLine + "  " + e.Format(source)));
}
