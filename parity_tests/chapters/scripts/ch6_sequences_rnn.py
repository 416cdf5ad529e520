"""Chapter 6: sequences and recurrent networks. An electricity-consumption CSV (15-minute readings)
read with pandas, cut into windows by create_sequences (NumPy), TensorDataset/DataLoader; the same
forecaster built on nn.RNN, nn.LSTM and nn.GRU (2 layers, hidden 32, batch_first, explicit h0/c0),
trained with MSELoss and Adam, evaluated with torchmetrics.MeanSquaredError on a test split."""
import os
import tempfile

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.optim as optim
import torchmetrics
from torch.utils.data import TensorDataset, DataLoader

# A synthetic stand-in for the course's electricity-consumption file: a daily cycle (96 readings
# a day), a weekly swell and noise, in the course's two columns.
rng = np.random.default_rng(6)
readings = np.arange(640)
consumption = (1.0 + 0.3 * np.sin(2 * np.pi * readings / 96) + 0.1 * np.sin(2 * np.pi * readings / (96 * 7))
               + rng.normal(scale=0.05, size=len(readings)))
path = os.path.join(tempfile.mkdtemp(), "electricity_consumption.csv")
pd.DataFrame({"timestamp": pd.date_range("2011-01-01", periods=len(readings), freq="15min"),
              "consumption": consumption}).to_csv(path, index=False)

data = pd.read_csv(path)
train_data, test_data = data.iloc[:448], data.iloc[448:]
print(data.head(3))


def create_sequences(df, seq_length):
    xs, ys = [], []
    for i in range(len(df) - seq_length):
        x = df.iloc[i:(i + seq_length), 1]
        y = df.iloc[i + seq_length, 1]
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


seq_length = 48
X_train, y_train = create_sequences(train_data, seq_length)
X_test, y_test = create_sequences(test_data, seq_length)
print(X_train.shape, y_train.shape, X_test.shape, y_test.shape)
dataset_train = TensorDataset(torch.from_numpy(X_train).float(), torch.from_numpy(y_train).float())
dataset_test = TensorDataset(torch.from_numpy(X_test).float(), torch.from_numpy(y_test).float())
print(len(dataset_train), dataset_train[0][0][:4], dataset_train[0][1])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=32, num_layers=2, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(0), 32)
        out, _ = self.rnn(x, h0)
        out = self.fc(out[:, -1, :])
        return out


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=32, num_layers=2, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(0), 32)
        c0 = torch.zeros(2, x.size(0), 32)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


class GRUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=32, num_layers=2, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(0), 32)
        out, _ = self.gru(x, h0)
        out = self.fc(out[:, -1, :])
        return out


for model_class in (Net, LSTMNet, GRUNet):
    torch.manual_seed(42)
    net = model_class()
    print(net)
    print(sum(p.numel() for p in net.parameters()), [name for name, _ in net.named_parameters()][:5])
    dataloader_train = DataLoader(dataset_train, batch_size=32, shuffle=True)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(net.parameters(), lr=0.005)
    for epoch in range(2):
        total = 0.0
        for seqs, labels in dataloader_train:
            seqs = seqs.view(-1, seq_length, 1)
            outputs = net(seqs).squeeze()
            loss = criterion(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"{model_class.__name__} epoch {epoch}: loss {total / len(dataloader_train):.6f}")

    recurrent = next(iter(net.children()))
    out, hidden = recurrent(dataset_test[0][0].view(1, seq_length, 1))
    states = hidden if isinstance(hidden, tuple) else (hidden,)
    print(out.shape, [s.shape for s in states], out[0, -1, :3])

    mse = torchmetrics.MeanSquaredError()
    dataloader_test = DataLoader(dataset_test, batch_size=32, shuffle=False)
    net.eval()
    with torch.no_grad():
        for seqs, labels in dataloader_test:
            seqs = seqs.view(-1, seq_length, 1)
            outputs = net(seqs).squeeze()
            mse(outputs, labels)
    print(f"{model_class.__name__} test MSE: {mse.compute():.6f}")
