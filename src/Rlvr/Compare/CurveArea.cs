namespace Rlvr.Compare;

/// <summary>Normalized area under an accuracy-vs-rollouts curve: (1 / R) ∫₀ᴿ accuracy dr, with straight lines between
/// evaluations (trapezoids) and the curve cut at R by interpolation. R is the same for every run of a comparison (the
/// fewest rollouts any run ended with), so the area is the run's mean accuracy over one common rollout budget, in
/// accuracy units: a method that learns sooner scores higher even when all end on the same plateau.</summary>
public static class CurveArea
{
    /// <summary>The area of the (rollouts, accuracy) points, sorted by rollouts, up to <paramref name="budget"/>; null
    /// when the budget is not positive or the curve does not start at 0 rollouts or does not reach the budget.</summary>
    public static double? Normalized(IReadOnlyList<(double x, double y)> points, double budget)
    {
        if (budget <= 0 || points.Count < 2 || points[0].x > 0 || points[^1].x < budget) return null;
        double area = 0;
        for (int i = 1; i < points.Count && points[i - 1].x < budget; i++)
        {
            var (x0, y0) = points[i - 1];
            var (x1, y1) = points[i];
            if (x1 == x0) continue;
            var end = Math.Min(x1, budget);
            var yEnd = y0 + (y1 - y0) * (end - x0) / (x1 - x0);
            area += (end - x0) * (y0 + yEnd) / 2;
        }
        return area / budget;
    }
}
