# syntax=docker/dockerfile:1
# OnlineRec silo image: multi-stage (SDK build → ASP.NET runtime), non-root, configured by environment.
#   docker build -t onlinerec .
#   docker run -p 5000:5000 -v onlinerec-data:/data onlinerec
# Settings map to configuration keys with "__" for ":" (e.g. Model__Factors=32, Reconciler__Period=00:10:00).
# Cluster mode (see compose.yaml): Cluster__Mode=Postgres, Storage__Postgres__ConnectionString=…,
# Cluster__AdvertisedAddress=<this container's address>.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from project files only, so the layer is reused when only sources change.
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY src/OnlineRec.Core/OnlineRec.Core.csproj src/OnlineRec.Core/
COPY src/OnlineRec.Abstractions/OnlineRec.Abstractions.csproj src/OnlineRec.Abstractions/
COPY src/OnlineRec.Storage.Abstractions/OnlineRec.Storage.Abstractions.csproj src/OnlineRec.Storage.Abstractions/
COPY src/OnlineRec.Storage.Sqlite/OnlineRec.Storage.Sqlite.csproj src/OnlineRec.Storage.Sqlite/
COPY src/OnlineRec.Storage.Postgres/OnlineRec.Storage.Postgres.csproj src/OnlineRec.Storage.Postgres/
COPY src/OnlineRec.Grains/OnlineRec.Grains.csproj src/OnlineRec.Grains/
COPY src/OnlineRec.Api.Contracts/OnlineRec.Api.Contracts.csproj src/OnlineRec.Api.Contracts/
COPY silo/OnlineRec.Silo.csproj silo/Directory.Build.props silo/
RUN dotnet restore silo/OnlineRec.Silo.csproj
COPY src/ src/
COPY silo/ silo/
RUN dotnet publish silo/OnlineRec.Silo.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's built-in unprivileged user ("app", uid 1654) owns the data volume.
RUN mkdir -p /data && chown app:app /data
USER app
# GC: the project's own settings (server GC without DATAS, see silo/OnlineRec.Silo.csproj); in a container limited
# to n CPUs the runtime uses n GC heaps.
ENV ASPNETCORE_URLS=http://0.0.0.0:5000 \
    Storage__DataDirectory=/data
VOLUME ["/data"]
# 5000 REST API, 11111 silo-to-silo, 30000 Orleans gateway for .NET clients.
EXPOSE 5000 11111 30000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD ["dotnet", "OnlineRec.Silo.dll", "--health-probe"]
ENTRYPOINT ["dotnet", "OnlineRec.Silo.dll"]
