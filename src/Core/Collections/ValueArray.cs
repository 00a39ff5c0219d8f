using System.Collections;
using System.Runtime.CompilerServices;

namespace Bridge.Core.Collections;

/// <summary>
/// An immutable array with element-wise equality and hashing, for records that hold lists (attribute values, shapes):
/// <see cref="ImmutableArray{T}"/> compares by reference, which would make two equal attribute records unequal (STYLE 1).
/// Supports collection expressions: <c>ValueArray&lt;long&gt; strides = [1, 1];</c>.
/// </summary>
[CollectionBuilder(typeof(ValueArray), nameof(ValueArray.Create))]
public readonly struct ValueArray<T> : IEquatable<ValueArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    public ValueArray(ImmutableArray<T> items) => _items = items.IsDefault ? [] : items;
    public ValueArray(IEnumerable<T> items) => _items = [.. items];

    public static ValueArray<T> Empty => new(ImmutableArray<T>.Empty);

    public ImmutableArray<T> Items => _items.IsDefault ? [] : _items;
    public int Count => Items.Length;
    public int Length => Items.Length;
    public T this[int index] => Items[index];
    public bool IsEmpty => Items.IsEmpty;

    public bool Equals(ValueArray<T> other)
    {
        var a = Items;
        var b = other.Items;
        if (a.Length != b.Length) return false;
        var cmp = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Length; i++) if (!cmp.Equals(a[i], b[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueArray<T> v && Equals(v);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var x in Items) h.Add(x);
        return h.ToHashCode();
    }

    public static bool operator ==(ValueArray<T> a, ValueArray<T> b) => a.Equals(b);
    public static bool operator !=(ValueArray<T> a, ValueArray<T> b) => !a.Equals(b);

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", Items) + "]";

    public static implicit operator ValueArray<T>(ImmutableArray<T> items) => new(items);
    public static implicit operator ValueArray<T>(T[] items) => new(ImmutableArray.Create(items));
}

/// <summary>Builder for collection expressions of <see cref="ValueArray{T}"/>.</summary>
public static class ValueArray
{
    public static ValueArray<T> Create<T>(ReadOnlySpan<T> items) => new([.. items]);
}
