using System.Numerics;

namespace Rlvr.Verification;

/// <summary>An exact fraction with BigInteger parts. Operations that would exceed <see cref="MaxBits"/> return null
/// instead of growing without bound, so exact arithmetic on adversarial input stays cheap.</summary>
public readonly struct Rational : IEquatable<Rational>
{
    public const int MaxBits = 1 << 16;

    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsZero && !gcd.IsOne) { numerator /= gcd; denominator /= gcd; }
        Numerator = numerator;
        Denominator = denominator.IsZero ? BigInteger.One : denominator;
    }

    public static Rational Zero => new(BigInteger.Zero, BigInteger.One);
    public static Rational One => new(BigInteger.One, BigInteger.One);
    public static Rational FromInt(long value) => new(value, BigInteger.One);

    public bool IsZero => Numerator.IsZero;
    public bool IsInteger => Denominator.IsOne;
    public int Sign => Numerator.Sign;
    public long BitSize => Numerator.GetBitLength() + Denominator.GetBitLength();

    static Rational? Checked(BigInteger n, BigInteger d)
    {
        if (d.IsZero) return null;
        if (n.GetBitLength() > MaxBits || d.GetBitLength() > MaxBits) return null;
        return new Rational(n, d);
    }

    public static Rational? Add(Rational a, Rational b) =>
        Checked(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational? Multiply(Rational a, Rational b) =>
        Checked(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational? Divide(Rational a, Rational b) =>
        b.IsZero ? null : Checked(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public Rational Negate() => new(-Numerator, Denominator);

    /// <summary>Integer powers only; refuses results whose size would pass the bit cap before computing them.</summary>
    public static Rational? Power(Rational b, BigInteger exponent)
    {
        if (exponent.IsZero) return b.IsZero ? null : One;
        if (b.IsZero) return exponent.Sign > 0 ? Zero : null;
        if (b.Numerator.IsOne && b.Denominator.IsOne) return One;
        if (BigInteger.Abs(b.Numerator).IsOne && b.Denominator.IsOne) return exponent.IsEven ? One : b;
        var magnitude = BigInteger.Abs(exponent);
        if (magnitude > MaxBits || magnitude * (b.BitSize) > 2L * MaxBits) return null;
        int e = (int)magnitude;
        var n = BigInteger.Pow(b.Numerator, e);
        var d = BigInteger.Pow(b.Denominator, e);
        return exponent.Sign > 0 ? Checked(n, d) : Checked(d, n);
    }

    /// <summary>Exact square root when both parts are perfect squares.</summary>
    public Rational? ExactSqrt()
    {
        if (Sign < 0) return null;
        var n = IntegerSqrt(Numerator);
        var d = IntegerSqrt(Denominator);
        return n * n == Numerator && d * d == Denominator ? new Rational(n, d) : null;
    }

    public static BigInteger IntegerSqrt(BigInteger value)
    {
        if (value.Sign <= 0) return BigInteger.Zero;
        if (value < long.MaxValue)
        {
            var guess = (BigInteger)(long)Math.Sqrt((double)value);
            while (guess * guess > value) guess--;
            while ((guess + 1) * (guess + 1) <= value) guess++;
            return guess;
        }
        var x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + value / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }

    public double ToDouble()
    {
        var nb = Numerator.GetBitLength();
        var db = Denominator.GetBitLength();
        if (nb < 1000 && db < 1000) return (double)Numerator / (double)Denominator;
        // Shift both parts down so the quotient survives conversion to double.
        var shift = (int)Math.Max(0, Math.Max(nb, db) - 900);
        var n = Numerator >> shift;
        var d = Denominator >> shift;
        if (d.IsZero) return Numerator.Sign * double.PositiveInfinity;
        return (double)n / (double)d;
    }

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);
    public override string ToString() => Denominator.IsOne ? Numerator.ToString() : $"{Numerator}/{Denominator}";
}
