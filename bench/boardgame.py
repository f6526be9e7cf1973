# pyish bench: recursive board game with random playouts.  Connect-four
# on a 7x6 board held as a list of column lists; a player object picks
# moves by flat Monte Carlo (random playouts with random.Random(seed))
# and a small recursive look-ahead for immediate wins and blocks.
import random

GAMES = 7
PLAYOUTS = 40

W = 7
H = 6


class Board:
    def __init__(self):
        self.cols = [[] for i in range(W)]
        self.moves = 0

    def copy(self):
        b = Board()
        b.cols = [c[:] for c in self.cols]
        b.moves = self.moves
        return b

    def legal(self):
        return [i for i in range(W) if len(self.cols[i]) < H]

    def play(self, col, who):
        self.cols[col].append(who)
        self.moves += 1

    def undo(self, col):
        self.cols[col].pop()
        self.moves -= 1

    def cell(self, c, r):
        if 0 <= c < W and 0 <= r < len(self.cols[c]):
            return self.cols[c][r]
        return 0

    def wins_at(self, col):
        r = len(self.cols[col]) - 1
        who = self.cols[col][r]
        for dc, dr in ((1, 0), (0, 1), (1, 1), (1, -1)):
            n = 1
            c2, r2 = col + dc, r + dr
            while self.cell(c2, r2) == who:
                n += 1
                c2 += dc
                r2 += dr
            c2, r2 = col - dc, r - dr
            while self.cell(c2, r2) == who:
                n += 1
                c2 -= dc
                r2 -= dr
            if n >= 4:
                return True
        return False


def playout(board, who, rng):
    # plays random moves to the end; returns the winner (0: draw)
    while True:
        moves = board.legal()
        if not moves:
            return 0
        col = rng.choice(moves)
        board.play(col, who)
        if board.wins_at(col):
            return who
        who = 3 - who


def winning_move(board, who, depth):
    # recursive look-ahead: a move that wins now, or (depth > 0) one
    # after which every reply leaves us a winning move
    for col in board.legal():
        board.play(col, who)
        won = board.wins_at(col)
        board.undo(col)
        if won:
            return col
    if depth == 0:
        return -1
    for col in board.legal():
        board.play(col, who)
        forced = True
        replies = board.legal()
        if not replies:
            forced = False
        for reply in replies:
            board.play(reply, 3 - who)
            if board.wins_at(reply) or winning_move(board, who, depth - 1) < 0:
                forced = False
            board.undo(reply)
            if not forced:
                break
        board.undo(col)
        if forced:
            return col
    return -1


class Player:
    def __init__(self, who, rng, playouts):
        self.who = who
        self.rng = rng
        self.playouts = playouts

    def choose(self, board):
        col = winning_move(board, self.who, 1)
        if col >= 0:
            return col
        col = winning_move(board, 3 - self.who, 0)
        if col >= 0:
            return col
        best = -1
        best_score = -1
        for col in board.legal():
            score = 0
            for k in range(self.playouts):
                b = board.copy()
                b.play(col, self.who)
                if b.wins_at(col):
                    score += 2
                    continue
                w = playout(b, 3 - self.who, self.rng)
                if w == self.who:
                    score += 2
                elif w == 0:
                    score += 1
            if score > best_score:
                best_score = score
                best = col
        return best


def game(seed):
    rng = random.Random(seed)
    players = [Player(1, rng, PLAYOUTS), Player(2, rng, PLAYOUTS // 2)]
    board = Board()
    turn = 0
    history = []
    while True:
        p = players[turn]
        if not board.legal():
            return 0, history
        col = p.choose(board)
        board.play(col, p.who)
        history.append(col)
        if board.wins_at(col):
            return p.who, history
        turn = 1 - turn


def main():
    results = []
    for g in range(GAMES):
        w, hist = game(1000 + g)
        results.append("%d:%s" % (w, "".join([str(c) for c in hist])))
    print("boardgame", GAMES, PLAYOUTS)
    print(" ".join(results))


main()
