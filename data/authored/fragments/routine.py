"""Routine work: questions, explanations, small functions, API worker tasks, writing, data."""

from __future__ import annotations

import random

from fragments.common import fence, frame, maybe_lower

LANGS = ["Python", "JavaScript", "TypeScript", "Go", "Java", "C#", "Rust", "Ruby", "PHP", "Kotlin", "C++", "SQL"]
FUNCS = [
    "checks whether a string is a palindrome ignoring punctuation",
    "returns the n-th Fibonacci number iteratively",
    "merges two sorted lists into one sorted list",
    "flattens a nested list of arbitrary depth",
    "converts a Roman numeral to an integer",
    "counts the vowels in a sentence",
    "validates an email address (reasonably, no need to be RFC perfect)",
    "groups a list of words into anagrams",
    "finds the longest common prefix of a list of strings",
    "returns the second largest number in an array",
    "removes duplicates from a list while keeping order",
    "computes the moving average of a list with a window k",
    "parses a query string into a dict",
    "converts celsius to fahrenheit and back",
    "chunks a list into pieces of size n",
    "rotates a matrix 90 degrees clockwise",
    "checks if two strings are anagrams",
    "formats a number of bytes as a human readable size (KB, MB, GB)",
    "debounces another function",
    "deep-merges two dictionaries",
    "returns all permutations of a string",
    "computes the greatest common divisor of two integers",
    "capitalises the first letter of every word",
    "checks whether a year is a leap year",
    "finds the missing number in an array containing 1..n",
    "turns snake_case into camelCase",
    "sums the digits of an integer",
    "returns the most frequent element in a list",
    "validates a sudoku board",
    "implements binary search on a sorted array",
]
QUESTIONS = [
    "what's the difference between a process and a thread?",
    "explain how HTTPS works to a non-technical person",
    "what does the `yield` keyword do in Python?",
    "when should I use a set instead of a list?",
    "what is the difference between a docker image and a container, conceptually?",
    "why is floating point 0.1 + 0.2 not equal to 0.3?",
    "what's a closure in JavaScript? give a short example",
    "explain big-O notation with a couple of examples",
    "what is the CAP theorem?",
    "how does garbage collection work in Java, in a nutshell?",
    "what's the difference between `==` and `===` in JS?",
    "what are the pros and cons of microservices vs a monolith?",
    "explain what a REST API is",
    "is it better to use UUIDs or auto-increment ids as primary keys?",
    "what does kubernetes actually do, in plain words?",
    "what's the difference between git merge and git rebase, at a high level?",
    "how do I choose between Postgres and MongoDB for a small side project?",
    "explain recursion like I'm five",
    "what does `async`/`await` mean in Python?",
    "what is dependency injection and why do people like it?",
    "what's the time complexity of inserting into a Python dict?",
    "how do hash tables handle collisions?",
    "what is the difference between TCP and UDP?",
    "can you explain what a JWT is and what's inside one?",
    "what's the capital of Australia?",
    "how many ounces are in a pound?",
    "what's a good name for a golden retriever puppy?",
    "why do we need database indexes?",
    "what is an LLM context window?",
    "give me 3 tips for writing clean code",
]
WORKER = [
    ("Summarize the following customer review in one sentence:", [
        "I ordered the blue kettle and it arrived two days late, but it boils fast and looks great on the counter. The lid is a bit stiff.",
        "Terrible support. I waited 40 minutes on hold and the agent hung up on me. The product itself is fine I guess.",
        "Honestly the best headphones I've owned. Battery lasts forever and the noise cancelling is magic on flights."]),
    ("Extract the invoice number, date, total and vendor from this text and return JSON:", [
        "INVOICE #INV-20931 Date: 2024-03-14 Bill to: Acme Corp ... Total due: $1,284.50 From: Northwind Supplies Ltd",
        "Rechnung Nr. 7781 vom 02.05.2024, Lieferant: Müller GmbH, Gesamtbetrag 349,00 EUR"]),
    ("Translate into French:", ["The meeting has been moved to Thursday at 3pm.", "Please keep your badge visible at all times."]),
    ("Translate this to Spanish, keep the tone casual:", ["hey! running 10 min late, grab a table?"]),
    ("Classify the sentiment of each message as positive, negative or neutral:", [
        "1. love it\n2. it broke after a week\n3. it's a chair", "- shipping was fast\n- never again"]),
    ("Rewrite this paragraph to be more concise:", [
        "In order to be able to make sure that we are able to deliver the project on time, it is necessary that all team members provide their updates by the end of the day on Friday."]),
    ("Generate 5 catchy product titles for:", ["a stainless steel insulated water bottle, 750ml, keeps drinks cold 24h"]),
    ("Tag this support ticket with one of [billing, bug, feature_request, account]:", [
        "I was charged twice for my subscription this month", "Can you add dark mode to the app?"]),
    ("Fix the grammar and spelling:", ["Their going to the store tomorow to by some grocerys."]),
    ("Return a JSON object with keys name, email, company parsed from this signature:", [
        "Best,\nDana Whitfield\nSenior PM, Lumen Labs\ndana.w@lumenlabs.io | +1 415 555 0199"]),
    ("Answer with yes or no only. Does this text mention a refund?", ["I'd like my money back for order 5512, the item never arrived."]),
]
WRITING = [
    "draft a polite email to my landlord asking to fix the heating",
    "write a short LinkedIn post announcing our new hire",
    "write a haiku about monday mornings",
    "write a cover letter opening paragraph for a junior data analyst role",
    "suggest a title for my blog post about learning Rust",
    "write a two-sentence product description for a bamboo cutting board",
    "give me a 3-day itinerary for Lisbon",
    "write a friendly reminder message to the team about the retro tomorrow",
    "make a shopping list for a week of vegetarian dinners",
    "outline a 10-minute talk on unit testing",
    "write a birthday message for my coworker",
    "summarise the plot of Hamlet in five bullet points",
    "brainstorm names for a coffee shop",
    "explain the rules of chess briefly",
]
SQL = [
    "write a SQL query that returns the top 5 customers by total order value",
    "SQL: count orders per month for 2023",
    "write a query to find duplicate emails in the users table",
    "how do I do a left join between orders and customers and keep customers with no orders?",
    "write a regex that matches US phone numbers like (415) 555-0199 or 415-555-0199",
    "regex to extract all hashtags from a tweet",
    "convert this CSV header into a pandas dtype dict: id,name,price,created_at",
    "how do I pivot a dataframe in pandas so months become columns?",
    "how to read a json file in node?",
    "how do I sort a list of dicts by a key in python?",
    "what's the numpy way to normalise each row of a matrix?",
]
CP = [
    "You are given an array a of n integers. Find the maximum sum of a contiguous subarray.\n\nInput\nThe first line contains n (1 ≤ n ≤ 2·10^5). The second line contains n integers a_i (|a_i| ≤ 10^9).\n\nOutput\nPrint one integer — the answer.",
    "Given a string s consisting of lowercase letters, return the length of the longest substring without repeating characters.\n\nExample 1:\nInput: s = \"abcabcbb\"\nOutput: 3",
    "There are n children standing in a line, each with a rating. Give candies so that each child has at least one and children with a higher rating than their neighbours get more. Return the minimum number of candies.",
    "Given an integer n, return the number of trailing zeroes in n!.",
    "Given the root of a binary tree, return its maximum depth.",
    "A robot starts at (0, 0) and receives a string of moves U, D, L, R. Determine whether it returns to the origin.",
    "Given a list of intervals, merge all overlapping intervals and return the result sorted by start.",
]
SNIPPETS = [
    ("python", "def add(items=[]):\n    items.append(1)\n    return items\n\nprint(add())\nprint(add())", "why does this print [1, 1] the second time?"),
    ("javascript", "for (var i = 0; i < 3; i++) {\n  setTimeout(() => console.log(i), 0);\n}", "why does this log 3 three times?"),
    ("python", "x = [1, 2, 3]\ny = x\ny.append(4)\nprint(x)", "why did x change?"),
    ("python", "result = map(lambda v: v * 2, nums)\nprint(result)", "this prints <map object ...> instead of the list, what am I doing wrong?"),
    ("java", "String a = \"hi\";\nString b = new String(\"hi\");\nSystem.out.println(a == b);", "why false?"),
    ("python", "print(round(2.5), round(3.5))", "why 2 and 4??"),
    ("go", "var m map[string]int\nm[\"a\"] = 1", "this panics with assignment to entry in nil map, what's the fix?"),
]


def generate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        lang = rng.choice(LANGS[:-1])
        task = rng.choice([f"write a {lang} function that {rng.choice(FUNCS)}",
                           f"write a function that {rng.choice(FUNCS)}",
                           f"give me a quick {lang} snippet that {rng.choice(FUNCS)}",
                           f"implement a helper that {rng.choice(FUNCS)}, with a couple of examples"])
        return maybe_lower(rng, frame(rng, task), 0.2)
    if kind < 0.45:
        q = rng.choice(QUESTIONS)
        return maybe_lower(rng, q[:1].upper() + q[1:] if rng.random() < 0.6 else q, 0.2)
    if kind < 0.6:
        instr, inputs = rng.choice(WORKER)
        sep = rng.choice(["\n\n", "\n", " ", "\n\nText:\n", "\n---\n"])
        return f"{instr}{sep}{rng.choice(inputs)}"
    if kind < 0.72:
        return frame(rng, rng.choice(WRITING))
    if kind < 0.82:
        q = rng.choice(SQL)
        return maybe_lower(rng, q[:1].upper() + q[1:], 0.3)
    if kind < 0.9:
        return rng.choice(CP) + rng.choice(["", "", "\n\nSolve it in Python.", "\n\nWrite the solution in C++.",
                                            "\n\nExplain the approach and complexity."])
    lang, code, q = rng.choice(SNIPPETS)
    return f"{q[:1].upper() + q[1:]}\n\n{fence(rng, code, lang)}" if rng.random() < 0.5 else f"{fence(rng, code, lang)}\n{q}"


STUBS = [
    ("is_palindrome", "s: str", "bool", "Return True if s reads the same forwards and backwards, ignoring case and punctuation.", "is_palindrome('A man, a plan')", "False"),
    ("fib", "n: int", "int", "Return the n-th Fibonacci number (fib(0) == 0).", "fib(10)", "55"),
    ("merge_sorted", "a: list[int], b: list[int]", "list[int]", "Merge two sorted lists into one sorted list.", "merge_sorted([1, 4], [2, 3])", "[1, 2, 3, 4]"),
    ("roman_to_int", "s: str", "int", "Convert a Roman numeral to an integer.", "roman_to_int('XIV')", "14"),
    ("chunk", "xs: list, n: int", "list[list]", "Split xs into consecutive chunks of length n; the last may be shorter.", "chunk([1, 2, 3], 2)", "[[1, 2], [3]]"),
    ("count_vowels", "text: str", "int", "Count the vowels (a, e, i, o, u) in text, case-insensitively.", "count_vowels('Hello')", "2"),
    ("second_largest", "nums: list[int]", "int | None", "Return the second largest distinct value, or None if there is none.", "second_largest([3, 1, 3, 2])", "2"),
    ("camel_case", "name: str", "str", "Convert snake_case to camelCase.", "camel_case('max_retry_count')", "'maxRetryCount'"),
    ("digit_sum", "n: int", "int", "Return the sum of the decimal digits of n (n may be negative).", "digit_sum(-123)", "6"),
    ("human_size", "n_bytes: int", "str", "Format a byte count with one decimal and a unit (B, KB, MB, GB).", "human_size(1536)", "'1.5 KB'"),
    ("is_leap", "year: int", "bool", "Return whether year is a leap year in the Gregorian calendar.", "is_leap(1900)", "False"),
    ("missing_number", "nums: list[int]", "int", "nums holds n-1 distinct numbers from 1..n; return the missing one.", "missing_number([1, 2, 4])", "3"),
]


def _stub(rng: random.Random) -> str:
    name, args, ret, doc, call, out = rng.choice(STUBS)
    style = rng.random()
    if style < 0.5:
        body = f'def {name}({args}) -> {ret}:\n    """{doc}\n\n    >>> {call}\n    {out}\n    """\n'
        if rng.random() < 0.4:
            body = "from typing import List, Optional\n\n\n" + body
    elif style < 0.75:
        js_args = ", ".join(a.split(":")[0] for a in args.split(", "))
        body = f"/**\n * {doc}\n * @example {call} // {out}\n */\nfunction {name}({js_args}) {{\n  // TODO\n}}\n"
    else:
        body = f"# {doc}\n# Example: {call} -> {out}\ndef {name}({args.split(':')[0]}):\n    pass\n"
    lead = rng.choice(["", "", "Complete this function:\n\n", "Fill in the body:\n", "Implement:\n\n",
                       "finish this for me\n", "Write the implementation.\n\n"])
    return lead + (fence(rng, body, "python") if lead and rng.random() < 0.5 else body)


_generate_main = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return _stub(rng)
    return _generate_main(rng)


CHAT = [
    "how should I prepare for a system design interview in two weeks?",
    "a bat and a ball cost $1.10 in total. the bat costs $1 more than the ball. how much does the ball cost?",
    "if I invest $200 a month at 6% a year, how much will I have after 10 years?",
    "what's a good way to say no to extra work without sounding rude?",
    "can you recommend three books on negotiation?",
    "how many calories are in a banana, roughly?",
    "what should I look for when buying a used car?",
    "is it worth learning Go or Rust first as a python developer?",
    "what are some good icebreaker questions for a team meeting?",
    "convert 72 fahrenheit to celsius",
    "give me a simple explanation of inflation",
    "what is 17% of 2,340?",
    "solve for x: 3x + 7 = 22",
    "which is bigger, 2^10 or 10^3?",
    "what are the main differences between stocks and bonds?",
    "tips for staying focused while working from home?",
]
CONVERT = [
    ("python", "def greet(name):\n    return f\"Hello, {name}!\"", "convert this to JavaScript"),
    ("javascript", "const evens = nums.filter(n => n % 2 === 0).map(n => n * n);", "rewrite this in Python"),
    ("python", "result = []\nfor x in data:\n    if x > 0:\n        result.append(x * 2)", "turn this into a list comprehension"),
    ("sql", "SELECT name FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100);", "rewrite this with a JOIN"),
    ("python", "def area(r):\n    return 3.14159 * r * r", "write a couple of pytest unit tests for this function"),
    ("regex", "^(?=.*[A-Z])(?=.*\\d).{8,}$", "what does this regex do?"),
    ("bash", "for f in *.txt; do echo \"$f\"; done", "explain what this line does"),
    ("json", "{\"user\": {\"id\": 7, \"tags\": [\"a\", \"b\"]}}", "write a TypeScript type for this JSON"),
    ("python", "sorted(d.items(), key=lambda kv: kv[1], reverse=True)[:3]", "what does this return?"),
    ("java", "public int max(int a, int b) { return a > b ? a : b; }", "add javadoc to this method"),
]
SYSTEM_WORKER = [
    "You are a helpful assistant that extracts structured data. Given the email below, return JSON with fields sender, date, and action_items.\n\nEmail:\nHi all, please send me the Q3 numbers by Friday and book the room for Monday. — Lee, Sept 12",
    "You are a support bot for an online shop. Answer the customer's question politely and briefly.\n\nCustomer: Do you ship to Canada and how long does it take?",
    "Classify the following text into one of: sports, politics, technology, entertainment. Reply with the label only.\n\nText: The new phone's battery lasts two full days.",
    "Given the product description, write an SEO meta description under 155 characters.\n\nDescription: Handmade ceramic mug, 350 ml, dishwasher safe, speckled glaze.",
    "Rate the relevance of the document to the query from 0 to 3.\nQuery: cheap flights to rome\nDocument: Rome travel guide: top 10 sights and where to eat.",
    "Correct the OCR errors in this text and return only the corrected text:\n\nTbe qnick brown f0x jumps ovcr the lazy dog.",
    "Produce a one-paragraph summary of the meeting notes below for people who missed it.\n\nNotes: budget approved; hiring freeze lifted for eng; launch moved to May 3; Sam owns the beta feedback.",
]


_generate_main2 = generate


def generate(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.12:
        q = rng.choice(CHAT)
        return maybe_lower(rng, q[:1].upper() + q[1:] if rng.random() < 0.6 else q, 0.2)
    if r < 0.22:
        lang, code, ask = rng.choice(CONVERT)
        ask = ask[:1].upper() + ask[1:] if rng.random() < 0.6 else ask
        return f"{ask}:\n\n{fence(rng, code, lang)}" if rng.random() < 0.6 else f"{fence(rng, code, lang)}\n\n{ask}"
    if r < 0.28:
        return rng.choice(SYSTEM_WORKER)
    return _generate_main2(rng)


MORE_STUBS = [
    ("count_islands", "grid: list[list[str]]", "int", "Count the groups of '1' cells connected horizontally or vertically."),
    ("rle_encode", "s: str", "str", "Run-length encode s, e.g. 'aaab' -> 'a3b1'."),
    ("is_balanced", "expr: str", "bool", "Check whether the brackets ()[]{} in expr are balanced."),
    ("top_k_words", "text: str, k: int", "list[str]", "Return the k most frequent words, ties broken alphabetically."),
    ("matrix_diagonal_sum", "m: list[list[int]]", "int", "Sum both diagonals of a square matrix, counting the centre once."),
    ("next_prime", "n: int", "int", "Return the smallest prime strictly greater than n."),
    ("interleave", "a: str, b: str", "str", "Interleave the characters of a and b, appending the rest of the longer one."),
    ("pascal_row", "n: int", "list[int]", "Return row n of Pascal's triangle (row 0 is [1])."),
    ("caesar", "text: str, shift: int", "str", "Shift every letter by shift positions, wrapping around and keeping case."),
    ("median_of_three", "a: float, b: float, c: float", "float", "Return the median of three numbers."),
    ("word_lengths", "sentence: str", "dict[str, int]", "Map each word of the sentence to its length."),
    ("to_binary", "n: int", "str", "Return the binary representation of a non-negative integer without the 0b prefix."),
    ("triangle_type", "a: int, b: int, c: int", "str", "Return 'equilateral', 'isosceles', 'scalene' or 'invalid'."),
    ("common_elements", "a: list[int], b: list[int]", "list[int]", "Return the sorted unique elements present in both lists."),
    ("max_profit", "prices: list[int]", "int", "Best profit from one buy and one later sell; 0 if no profit is possible."),
    ("title_case", "s: str", "str", "Title-case s but keep small words (a, an, the, of) lower-case unless first."),
    ("even_digits", "n: int", "int", "Return the product of the even digits of n, or 0 if there are none."),
    ("spiral", "m: list[list[int]]", "list[int]", "Return the elements of the matrix in clockwise spiral order."),
]


def _more_stub(rng: random.Random) -> str:
    name, args, ret, doc = rng.choice(MORE_STUBS)
    style = rng.random()
    if style < 0.35:
        body = f'def {name}({args}) -> {ret}:\n    """{doc}\n    """\n'
    elif style < 0.6:
        arg_doc = "\n".join(f"        {a.split(':')[0].strip()}: ..." for a in args.split(", "))
        body = f'def {name}({args}) -> {ret}:\n    """{doc}\n\n    Args:\n{arg_doc}\n\n    Returns:\n        {ret}\n    """\n'
    elif style < 0.75:
        body = f"def {name}({', '.join(a.split(':')[0] for a in args.split(', '))}):\n    '''\n    {doc}\n    For example:\n    {name}(...) ==> ...\n    '''\n"
    elif style < 0.88:
        body = f"// {doc}\nfunc {name}({args.split(':')[0]} int) int {{\n}}\n"
    else:
        body = f"/* {doc} */\npublic static {ret.split('[')[0].capitalize()} {name}(...) {{\n    // your code here\n}}\n"
    lead = rng.choice(["", "", "", "Complete the following function.\n\n", "Solve:\n", "Write the function body:\n\n"])
    return lead + body


_generate_main3 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return _more_stub(rng)
    return _generate_main3(rng)
