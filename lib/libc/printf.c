/*
 * printf family for hvut. The output is byte-for-byte what glibc prints for the
 * same call (tests/unit checks this), so logs read the same whether a message
 * came from a guest or from a host tool. Integers, strings and pointers only:
 * guests are built without FP registers on some arches.
 *
 * Every call formats into a sink. snprintf's sink is the caller's buffer;
 * printf's is a buffer on its own stack, handed to console_write when full and at
 * the end, so a normal line reaches the console in one console_write call and
 * lines printed by several CPUs at once do not interleave mid-line.
 */
#include <stdio.h>
#include <string.h>
#include <console.h>

#define PRINTF_BUF 256

struct sink {
	char *buf;	/* may be NULL when cap is 0 */
	size_t cap;	/* bytes buf can take (snprintf keeps one back for the NUL) */
	size_t len;	/* bytes in buf */
	int console;	/* full buffer: flush to the console instead of dropping */
	size_t total;	/* bytes the call produced: the return value */
};

static void flush(struct sink *o)
{
	if (o->console && o->len)
		console_write(o->buf, o->len);
	o->len = 0;
}

static void put(struct sink *o, char c)
{
	o->total++;
	if (o->len == o->cap) {
		if (!o->console)
			return;		/* snprintf truncates but keeps counting */
		flush(o);
	}
	o->buf[o->len++] = c;
}

static void put_n(struct sink *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static void put_pad(struct sink *o, char c, size_t n)
{
	while (n--)
		put(o, c);
}

/* One parsed conversion specification. */
struct spec {
	int left, plus, space, alt, zero;
	unsigned int width;
	int prec;		/* -1: none given */
	char len;		/* 0, 'H' (hh), 'h', 'l', 'q' (ll), 'z', 't', 'j' */
};

/* %zd reads a size_t as signed: every hvut target has ptrdiff_t of that width. */
_Static_assert(sizeof(__PTRDIFF_TYPE__) == sizeof(size_t), "ssize_t stand-in");

static long long get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'q': return va_arg(*ap, long long);
	case 'z': return (__PTRDIFF_TYPE__)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, __PTRDIFF_TYPE__);
	case 'j': return va_arg(*ap, __INTMAX_TYPE__);
	default:  return va_arg(*ap, int);
	}
}

static unsigned long long get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'q': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (size_t)va_arg(*ap, __PTRDIFF_TYPE__);
	case 'j': return va_arg(*ap, __UINTMAX_TYPE__);
	default:  return va_arg(*ap, unsigned int);
	}
}

/*
 * Lays out [spaces][sign][0x][zeros][digits][spaces]. sign is 0 for none.
 * conv is the conversion letter: it picks the base, the case and what '#' means.
 */
static void put_int(struct sink *o, const struct spec *sp, unsigned long long v, char sign, char conv)
{
	const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
	char tmp[24];		/* 64 bits in octal is 22 digits */
	size_t ndig = 0, zeros, len, prefix = 0;

	/* C: precision 0 and value 0 print no digits at all. */
	if (!(v == 0 && sp->prec == 0)) {
		do {
			tmp[sizeof(tmp) - ++ndig] = digits[v % base];
			v /= base;
		} while (v);
	}
	zeros = sp->prec > 0 && (size_t)sp->prec > ndig ? sp->prec - ndig : 0;
	/* '#' with o: the first digit must be a 0 (even for %#.0o of 0). */
	if (sp->alt && base == 8 && !zeros && (ndig == 0 || tmp[sizeof(tmp) - ndig] != '0'))
		zeros = 1;
	/* '#' with x: "0x" only for a non-zero value (%p always has one). */
	if (sp->alt && base == 16 && ndig && !(ndig == 1 && tmp[sizeof(tmp) - 1] == '0'))
		prefix = 2;
	len = (sign != 0) + prefix + zeros + ndig;
	/* '0' pads after the sign and prefix; a precision or '-' turns it off. */
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!sp->left && sp->width > len)
		put_pad(o, ' ', sp->width - len);
	if (sign)
		put(o, sign);
	if (prefix) {
		put(o, '0');
		put(o, conv == 'X' ? 'X' : 'x');
	}
	put_pad(o, '0', zeros);
	put_n(o, tmp + sizeof(tmp) - ndig, ndig);
	if (sp->left && sp->width > len)
		put_pad(o, ' ', sp->width - len);
}

/* Strings, characters and (nil) pad with spaces only: glibc ignores '0' for them. */
static void put_str(struct sink *o, const struct spec *sp, const char *s, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		put_pad(o, ' ', pad);
	put_n(o, s, n);
	if (sp->left)
		put_pad(o, ' ', pad);
}

static void put_uint(struct sink *o, unsigned int v)
{
	if (v >= 10)
		put_uint(o, v / 10);
	put(o, (char)('0' + v % 10));
}

/*
 * An unknown conversion: glibc prints the specification back as it understood
 * it: flags in a fixed order without the overridden ones ('+' beats ' ', '-'
 * beats '0'), '*' replaced by the number read, no length modifier.
 */
static void put_unknown(struct sink *o, const struct spec *sp, char conv)
{
	put(o, '%');
	if (sp->alt)
		put(o, '#');
	if (sp->plus)
		put(o, '+');
	else if (sp->space)
		put(o, ' ');
	if (sp->left)
		put(o, '-');
	else if (sp->zero)
		put(o, '0');
	if (sp->width)
		put_uint(o, sp->width);
	if (sp->prec >= 0) {
		put(o, '.');
		put_uint(o, sp->prec);
	}
	put(o, conv);
}

/* Returns the char after the spec; fmt points just past the '%'. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = 1;
		else if (*fmt == '+')
			sp->plus = 1;
		else if (*fmt == ' ')
			sp->space = 1;
		else if (*fmt == '#')
			sp->alt = 1;
		else if (*fmt == '0')
			sp->zero = 1;
		else
			break;
	}
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		/* A negative '*' width is a '-' flag and a positive width. */
		if (w < 0) {
			sp->left = 1;
			sp->width = 0u - (unsigned int)w;
		} else {
			sp->width = w;
		}
		fmt++;
	} else {
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp->width = sp->width * 10 + (*fmt - '0');
	}
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			int p = va_arg(*ap, int);

			sp->prec = p < 0 ? -1 : p;	/* negative: as if none was given */
			fmt++;
		} else {
			sp->prec = 0;
			/* Saturate rather than overflow an int on absurd precisions. */
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				if (sp->prec < (__INT_MAX__ - 9) / 10)
					sp->prec = sp->prec * 10 + (*fmt - '0');
		}
	}
	switch (*fmt) {
	case 'h':
		sp->len = fmt[1] == 'h' ? 'H' : 'h';
		fmt += sp->len == 'H' ? 2 : 1;
		break;
	case 'l':
		sp->len = fmt[1] == 'l' ? 'q' : 'l';
		fmt += sp->len == 'q' ? 2 : 1;
		break;
	case 'L':	/* glibc takes L on an integer conversion as ll */
	case 'q':
		sp->len = 'q';
		fmt++;
		break;
	case 'z':
	case 't':
	case 'j':
		sp->len = *fmt++;
		break;
	}
	return fmt;
}

static void format(struct sink *o, const char *fmt, va_list ap)
{
	va_list args;

	/* A copy we can pass by address: va_list may be an array type. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp;
		const char *s;
		char c;

		if (*fmt != '%') {
			put(o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = get_signed(&sp, &args);
			/* Negate in unsigned: -LLONG_MIN does not fit in long long. */
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

			put_int(o, &sp, mag, v < 0 ? '-' : sp.plus ? '+' : sp.space ? ' ' : 0, 'd');
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			/* '+' and ' ' mean nothing for unsigned conversions. */
			put_int(o, &sp, get_unsigned(&sp, &args), 0, *fmt);
			break;
		case 'p': {
			void *p = va_arg(args, void *);

			if (!p) {
				/* glibc: "(nil)", never cut short by a precision. */
				put_str(o, &sp, "(nil)", 5);
				break;
			}
			/* glibc prints a pointer as %#lx but keeps the '+' and ' ' flags. */
			sp.alt = 1;
			put_int(o, &sp, (unsigned long)p, sp.plus ? '+' : sp.space ? ' ' : 0, 'p');
			break;
		}
		case 'c':
			c = (char)va_arg(args, int);
			put_str(o, &sp, &c, 1);
			break;
		case 's':
			s = va_arg(args, const char *);
			/* glibc prints "(null)" only when the precision lets all of it through. */
			if (!s)
				s = sp.prec < 0 || sp.prec >= 6 ? "(null)" : "";
			put_str(o, &sp, s, sp.prec < 0 ? strlen(s) : strnlen(s, sp.prec));
			break;
		case '%':
			put(o, '%');	/* glibc ignores width and flags here */
			break;
		case '\0':
			/*
			 * The format ends inside a specification. glibc fails the
			 * whole call (-1); a guest is better served by seeing it.
			 */
			put_n(o, start, fmt - start);
			goto out;
		default:
			put_unknown(o, &sp, *fmt);
			break;
		}
		fmt++;
	}
out:
	va_end(args);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink o = { .buf = buf, .cap = size ? size - 1 : 0 };

	format(&o, fmt, ap);
	if (size)
		buf[o.len] = '\0';
	return (int)o.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* No size given: the caller promises the buffer is large enough. */
	n = vsnprintf(buf, (size_t)-1, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	struct sink o = { .buf = buf, .cap = sizeof(buf), .console = 1 };

	format(&o, fmt, ap);
	flush(&o);
	return (int)o.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* gcc turns printf("text\n") into puts("text"): it must buffer the same way. */
int puts(const char *s)
{
	char buf[PRINTF_BUF];
	struct sink o = { .buf = buf, .cap = sizeof(buf), .console = 1 };

	put_n(&o, s, strlen(s));
	put(&o, '\n');
	flush(&o);
	return (int)o.total;
}

int putchar(int c)
{
	char ch = (char)c;

	console_write(&ch, 1);
	return (unsigned char)c;
}
